package studio.tally.play;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import studio.tally.output.RtmpClientHandler;
import studio.tally.output.RtmpUrl;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.rtmp.RtmpClientCodec;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpUserControlEvent;

/**
 * RTMP(S) play client: handshake (any fragmentation), {@code connect → createStream → play} until
 * {@code NetStream.Play.Start}, then audio/video messages as tags (their payloads are FLV tag
 * bodies). The byte level (handshake, chunks, acknowledgements, ping answers) is proto.rtmp's
 * {@link RtmpClientCodec}, the same as output's publisher; this class keeps the play command flow.
 */
final class RtmpPlaySource implements MediaSource {
  private static final String FLASH_VER = "LNX 9,0,124,2";
  private static final double TXN_CONNECT = 1, TXN_CREATE_STREAM = 2;
  private static final int BUFFER_MS = 100;

  private final RtmpUrl url;
  private final SourceConnection connection;

  RtmpPlaySource(RtmpUrl url, EventLoopGroup group, PlayerOptions options) {
    this.url = url;
    this.connection = new SourceConnection(group, url.host(), url.port(), url.tls(), options);
  }

  @Override
  public void start(Events events) {
    Connection conn = new Connection(events);
    connection.open(cause -> conn.end(Failures.connectFailed(url.host(), url.port(), cause)), conn);
  }

  @Override
  public void setReading(boolean reading) {
    connection.setReading(reading);
  }

  @Override
  public void close() {
    connection.close();
  }

  private enum State { HANDSHAKE, CONNECT, CREATE_STREAM, PLAY, PLAYING, ENDED }

  private final class Connection extends RtmpClientHandler {
    private final Events events;
    private State state = State.HANDSHAKE;
    private int streamId;

    Connection(Events events) {
      this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
      startHandshake(); // with TLS, held until the TLS handshake is done
    }

    @Override
    protected boolean ended() {
      return state == State.ENDED;
    }

    @Override
    protected void onHandshakeDone() {
      state = State.CONNECT;
      send(RtmpCommands.connect(TXN_CONNECT, url.app(), url.tcUrl(), FLASH_VER, true, ctx.alloc()), true);
    }

    @Override
    protected void onProtocolError(ProtocolException e) {
      end(new PlayFailure(PlayFailure.Kind.BAD_STREAM, "RTMP protocol error " + describeState() + ": " + e.getMessage()));
    }

    @Override
    protected void onMedia(RtmpMessage m) {
      int type = m.typeId();
      if (state == State.PLAY) playing(); // some servers send media before (or without) Play.Start
      if (state == State.PLAYING && m.payload().isReadable()) events.tag(type, m.timestamp(), m.payload());
    }

    @Override
    protected void onControl(RtmpControlMessage control) {
      // window acknowledgements and ping answers are the codec's
      if (control instanceof RtmpControlMessage.UserControl(RtmpUserControlEvent.StreamEof e) && state == State.PLAYING) {
        end(new PlayFailure(PlayFailure.Kind.ENDED, "the server ended the stream (StreamEOF)"));
      }
    }

    @Override
    protected void onCommand(RtmpCommand cmd) {
      switch (cmd.name()) {
        case RtmpCommands.RESULT -> {
          if (cmd.transactionId() == TXN_CONNECT && state == State.CONNECT) {
            state = State.CREATE_STREAM;
            send(RtmpCommands.createStream(TXN_CREATE_STREAM, ctx.alloc()), true);
          } else if (cmd.transactionId() == TXN_CREATE_STREAM && state == State.CREATE_STREAM) {
            if (!(cmd.arg(0) instanceof Double id)) {
              end(new PlayFailure(PlayFailure.Kind.BAD_STREAM, "createStream result without a stream id"));
              return;
            }
            streamId = id.intValue();
            state = State.PLAY;
            send(RtmpCommands.play(streamId, url.streamKey(), -2, ctx.alloc()), false);
            send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.SetBufferLength(streamId, BUFFER_MS))
                .toMessage(ctx.alloc()), true);
          }
        }
        case RtmpCommands.ERROR -> {
          String what = cmd.transactionId() == TXN_CONNECT ? "connect" : "createStream";
          end(new PlayFailure(PlayFailure.Kind.REJECTED, what + " rejected: " + RtmpCommands.describeStatus(cmd)));
        }
        case RtmpCommands.ON_STATUS -> onStatus(cmd);
        default -> { } // onBWDone, |RtmpSampleAccess, ...
      }
    }

    private void onStatus(RtmpCommand cmd) {
      String code = RtmpCommands.statusCode(cmd);
      if (RtmpCommands.PLAY_START.equals(code) || RtmpCommands.PLAY_RESET.equals(code)) {
        if (state == State.PLAY) playing();
      } else if (RtmpCommands.PLAY_STREAM_NOT_FOUND.equals(code)) {
        end(new PlayFailure(PlayFailure.Kind.NOT_FOUND, RtmpCommands.describeStatus(cmd)));
      } else if (RtmpCommands.LEVEL_ERROR.equals(RtmpCommands.statusField(cmd, "level"))) {
        end(new PlayFailure(state == State.PLAYING ? PlayFailure.Kind.ENDED : PlayFailure.Kind.REJECTED,
            "play failed: " + RtmpCommands.describeStatus(cmd)));
      }
    }

    private void playing() {
      state = State.PLAYING;
      events.connected();
    }

    private String describeState() {
      return switch (state) {
        case HANDSHAKE -> "during the RTMP handshake";
        case CONNECT -> "waiting for the connect result";
        case CREATE_STREAM -> "waiting for createStream";
        case PLAY -> "waiting for NetStream.Play.Start";
        case PLAYING -> "while playing";
        case ENDED -> "after the end";
      };
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) end(Failures.tls(e.cause(), connection.tls()));
      c.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      end(Failures.onConnection(cause, connection.tls(), state == State.PLAYING, describeState()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      end(new PlayFailure(state == State.PLAYING ? PlayFailure.Kind.ENDED : PlayFailure.Kind.BAD_STREAM,
          "connection closed by the server " + describeState()));
    }

    void end(PlayFailure failure) {
      if (state == State.ENDED) return;
      state = State.ENDED;
      if (ctx != null) ctx.close();
      events.ended(failure);
    }
  }
}
