package studio.tally.server.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.rtmp.RtmpChunkStreamId;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpData;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpMessageType;
import studio.tally.proto.rtmp.RtmpUserControlEvent;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.MediaTag;
import studio.tally.server.hub.Publication;
import studio.tally.server.hub.PublishRefusedException;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.hub.StreamKey;

/**
 * The NetConnection / NetStream state machine of one RTMP connection: connect, then createStream and
 * either publish (media goes into the hub) or play (an {@link RtmpPlayer} subscribes). Messages
 * arrive on the event loop; this class owns each message it is given.
 */
final class RtmpServerSession {
  private static final Logger log = LoggerFactory.getLogger(RtmpServerSession.class);
  static final long WINDOW = 2_500_000;
  static final int STREAM_ID = 1;

  private enum State { NEW, CONNECTED, PUBLISHING, PLAYING, CLOSED }

  private final RtmpConnection conn;
  private final StreamHub hub;
  private final String requiredToken;
  private final boolean tls;
  private final String ip;
  private final Amf0Decoder amf = new Amf0Decoder();
  private State state = State.NEW;
  private String app = "";
  private String defaultStream = "";
  private String appToken = "";
  private String tcUrl = "";
  private String pageUrl = "";
  private Client client;
  private Publication publication;
  private RtmpPlayer player;
  private LiveStream playing;

  RtmpServerSession(RtmpConnection conn, StreamHub hub, String requiredToken, boolean tls, String ip) {
    this.conn = conn;
    this.hub = hub;
    this.requiredToken = requiredToken;
    this.tls = tls;
    this.ip = ip;
  }

  /** Connected but neither publishing nor playing yet. */
  boolean isSettingUp() {
    return state == State.NEW || state == State.CONNECTED;
  }

  boolean isPublishing() {
    return state == State.PUBLISHING;
  }

  String describe() {
    return (tls ? "rtmps " : "") + (client == null ? "connection" : client.type().srsName + " " + client.id()
        + " of " + client.stream());
  }

  void onMessage(RtmpMessage m) {
    try {
      switch (m.typeId()) {
        case RtmpMessageType.AUDIO, RtmpMessageType.VIDEO -> {
          onMedia(m);
          return; // ownership passed on (or released) by onMedia
        }
        case RtmpMessageType.AMF0_COMMAND, RtmpMessageType.AMF3_COMMAND -> onCommand(RtmpCommand.decode(m, amf));
        case RtmpMessageType.AMF0_DATA, RtmpMessageType.AMF3_DATA -> onData(RtmpData.decode(m, amf), m.timestamp());
        case RtmpMessageType.AGGREGATE -> onAggregate(m);
        default -> {
          if (RtmpControlMessage.isControl(m.typeId())) {
            onControl(RtmpControlMessage.decode(m));
          }
        }
      }
    } finally {
      if (m.payload().refCnt() > 0 && m.typeId() != RtmpMessageType.AUDIO && m.typeId() != RtmpMessageType.VIDEO) {
        m.release();
      }
    }
  }

  private void onControl(RtmpControlMessage c) {
    switch (c) {
      case RtmpControlMessage.WindowAcknowledgementSize w -> conn.peerWindow(w.windowSize());
      case RtmpControlMessage.UserControl(RtmpUserControlEvent.PingRequest ping) ->
          conn.send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.PingResponse(ping.timestamp()))
              .toMessage(alloc()), true);
      default -> { } // chunk size and abort are applied by the decoder; acks need nothing
    }
  }

  private void onCommand(RtmpCommand cmd) {
    if (state == State.NEW && !cmd.name().equals(RtmpCommands.CONNECT)) {
      conn.fail("'" + cmd.name() + "' before connect");
      return;
    }
    switch (cmd.name()) {
      case RtmpCommands.CONNECT -> connect(cmd);
      // FCSubscribe: librtmp and Akamai-style players before play
      case RtmpCommands.RELEASE_STREAM, RtmpCommands.FC_PUBLISH, RtmpCommands.FC_UNPUBLISH,
          RtmpCommands.GET_STREAM_LENGTH, "_checkbw", "FCSubscribe" -> {
        if (cmd.name().equals(RtmpCommands.FC_UNPUBLISH)) {
          stopPublishing("FCUnpublish");
        }
        if (cmd.transactionId() > 0) {
          conn.send(RtmpCommands.result(cmd.transactionId(), null, alloc()), true);
        }
      }
      case RtmpCommands.CREATE_STREAM -> conn.send(RtmpCommands.createStreamResult(cmd.transactionId(), STREAM_ID, alloc()), true);
      case RtmpCommands.PUBLISH -> publish(cmd);
      case RtmpCommands.PLAY -> play(cmd);
      case RtmpCommands.DELETE_STREAM, RtmpCommands.CLOSE_STREAM -> {
        stopPublishing(cmd.name());
        stopPlaying();
      }
      default -> {
        log.debug("{}: ignoring command {}", describe(), cmd.name());
        if (cmd.transactionId() > 0) {
          conn.send(RtmpCommands.error(cmd.transactionId(), "NetConnection.Call.Failed",
              "unknown command " + cmd.name(), alloc()), true);
        }
      }
    }
  }

  private void connect(RtmpCommand cmd) {
    if (state != State.NEW) {
      conn.fail("second connect");
      return;
    }
    RtmpConnectTarget target = RtmpConnectTarget.of(cmd.commandObject());
    app = target.app();
    defaultStream = target.defaultStream();
    appToken = target.token();
    tcUrl = target.tcUrl();
    pageUrl = target.pageUrl();
    if (!StreamKey.isValidSegment(app)) {
      conn.send(RtmpCommands.error(cmd.transactionId(), RtmpCommands.CONNECT_REJECTED, "bad app name '" + app + "'", alloc()), true);
      conn.fail("bad app name '" + app + "'");
      return;
    }
    state = State.CONNECTED;
    conn.send(new RtmpControlMessage.WindowAcknowledgementSize(WINDOW).toMessage(alloc()), false);
    conn.send(new RtmpControlMessage.SetPeerBandwidth(WINDOW, RtmpControlMessage.LimitType.DYNAMIC).toMessage(alloc()), false);
    conn.setOutChunkSize(RtmpConnection.OUT_CHUNK_SIZE);
    conn.send(RtmpCommands.connectResult(cmd.transactionId(), 0, alloc()), true);
  }

  private void publish(RtmpCommand cmd) {
    if (state != State.CONNECTED) {
      conn.fail("publish in state " + state);
      return;
    }
    String raw = cmd.arg(0) instanceof String s ? s : "";
    QueryStringDecoder q = new QueryStringDecoder(raw, true);
    String name = streamName(q.path());
    String token = first(q.parameters().get("token"));
    if (token.isEmpty()) {
      token = appToken;
    }
    if (!StreamKey.isValidSegment(name)) {
      refusePublish(RtmpCommands.PUBLISH_BAD_NAME, "bad stream name '" + name + "'");
      return;
    }
    if (!requiredToken.isEmpty() && !requiredToken.equals(token)) {
      refusePublish("NetStream.Publish.Unauthorized", token.isEmpty() ? "publish token required" : "wrong publish token");
      return;
    }
    StreamKey key = new StreamKey(app, name);
    client = new Client(hub.newId(), Client.Type.RTMP_PUBLISH, ip, key, tcUrl, pageUrl, hub.clock().instant(),
        reason -> conn.ctx().channel().close());
    try {
      publication = hub.publish(key, client, token);
    } catch (PublishRefusedException e) {
      client = null;
      refusePublish(RtmpCommands.PUBLISH_BAD_NAME, e.getMessage());
      return;
    }
    hub.register(client);
    state = State.PUBLISHING;
    conn.send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.StreamBegin(STREAM_ID)).toMessage(alloc()), false);
    conn.send(RtmpCommands.onFcPublish(RtmpCommands.PUBLISH_START, "publishing " + name, alloc()), false);
    conn.send(RtmpCommands.onStatus(STREAM_ID, RtmpCommands.LEVEL_STATUS, RtmpCommands.PUBLISH_START,
        "publishing " + key, alloc()), true);
    log.info("rtmp{} publisher {} from {} publishes {}", tls ? "s" : "", client.id(), ip, key);
  }

  private void refusePublish(String code, String description) {
    log.info("rtmp{} publish refused from {}: {}", tls ? "s" : "", ip, description);
    conn.send(RtmpCommands.onStatus(STREAM_ID, RtmpCommands.LEVEL_ERROR, code, description, alloc()), true);
    conn.closeAfterFlush();
    state = State.CLOSED;
  }

  private void play(RtmpCommand cmd) {
    if (state != State.CONNECTED) {
      conn.fail("play in state " + state);
      return;
    }
    String raw = cmd.arg(0) instanceof String s ? s : "";
    String name = streamName(new QueryStringDecoder(raw, true).path());
    if (!StreamKey.isValidSegment(name)) {
      refusePlay("bad stream name '" + name + "'");
      return;
    }
    StreamKey key = new StreamKey(app, name);
    if (hub.stream(key).isEmpty()) {
      refusePlay("no stream " + key + " is being published");
      return;
    }
    client = new Client(hub.newId(), Client.Type.RTMP_PLAY, ip, key, tcUrl, pageUrl, hub.clock().instant(),
        reason -> conn.ctx().channel().close());
    player = new RtmpPlayer(conn, client, STREAM_ID);
    conn.send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.StreamBegin(STREAM_ID)).toMessage(alloc()), false);
    conn.send(RtmpCommands.onStatus(STREAM_ID, RtmpCommands.LEVEL_STATUS, RtmpCommands.PLAY_RESET, "playing " + key, alloc()), false);
    conn.send(RtmpCommands.onStatus(STREAM_ID, RtmpCommands.LEVEL_STATUS, RtmpCommands.PLAY_START, "playing " + key, alloc()), false);
    conn.send(new RtmpData(RtmpData.SAMPLE_ACCESS, false, false).toMessage(RtmpChunkStreamId.STREAM_COMMAND, 0, STREAM_ID, alloc()), true);
    hub.register(client);
    var s = hub.play(key, player);
    if (s.isEmpty()) {
      hub.unregister(client);
      refusePlay("no stream " + key + " is being published");
      return;
    }
    playing = s.get();
    player.attached(playing);
    state = State.PLAYING;
    log.info("rtmp{} player {} from {} plays {}", tls ? "s" : "", client.id(), ip, key);
  }

  private void refusePlay(String description) {
    log.info("rtmp{} play refused from {}: {}", tls ? "s" : "", ip, description);
    conn.send(RtmpCommands.onStatus(STREAM_ID, RtmpCommands.LEVEL_ERROR, RtmpCommands.PLAY_STREAM_NOT_FOUND,
        description, alloc()), true);
    conn.closeAfterFlush();
    state = State.CLOSED;
  }

  private void onMedia(RtmpMessage m) {
    if (state != State.PUBLISHING || publication == null) {
      m.release();
      if (state != State.PUBLISHING) {
        conn.fail("media before publish");
      }
      return;
    }
    ByteBuf body = m.payload();
    if (!body.isReadable()) {
      m.release();
      return;
    }
    MediaTag.Kind kind = m.typeId() == RtmpMessageType.AUDIO ? MediaTag.Kind.AUDIO : MediaTag.Kind.VIDEO;
    publication.onMedia(kind, m.timestamp(), body); // the hub owns the payload now
  }

  private void onData(RtmpData data, long timestamp) {
    if (state != State.PUBLISHING || publication == null) {
      return; // e.g. a player's |RtmpSampleAccess echo; nothing to do
    }
    RtmpData meta = data.withoutSetDataFrame();
    if (!RtmpData.ON_META_DATA.equals(meta.name())) {
      return;
    }
    RtmpMessage encoded = meta.toMessage(RtmpChunkStreamId.STREAM_COMMAND, timestamp, STREAM_ID, alloc());
    publication.onMedia(MediaTag.Kind.SCRIPT, 0, encoded.payload());
  }

  /** Aggregate messages (type 22): FLV tags back to back, each with its PreviousTagSize. */
  private void onAggregate(RtmpMessage m) {
    ByteBuf b = m.payload();
    long base = -1;
    while (b.readableBytes() >= 11) {
      int type = b.readUnsignedByte();
      int size = b.readUnsignedMedium();
      long ts = b.readUnsignedMedium() | ((long) b.readUnsignedByte() << 24);
      b.skipBytes(3);
      if (b.readableBytes() < size + 4) {
        conn.fail("truncated aggregate message");
        return;
      }
      if (base < 0) {
        base = ts;
      }
      long at = (m.timestamp() + ts - base) & 0xFFFFFFFFL;
      ByteBuf body = b.readRetainedSlice(size);
      b.skipBytes(4);
      if (type == RtmpMessageType.AUDIO || type == RtmpMessageType.VIDEO) {
        onMedia(new RtmpMessage(m.chunkStreamId(), type, at, m.messageStreamId(), body));
      } else {
        body.release();
      }
    }
  }

  private void stopPublishing(String why) {
    if (publication != null) {
      log.info("rtmp publisher {} of {}: {}", client.id(), client.stream(), why);
      publication.close();
      publication = null;
      hub.unregister(client);
      if (state == State.PUBLISHING) {
        state = State.CONNECTED;
      }
    }
  }

  private void stopPlaying() {
    if (player != null && playing != null) {
      playing.unsubscribe(player, studio.tally.server.hub.Subscriber.EndReason.KICKED);
      hub.unregister(client);
      player = null;
      playing = null;
      state = State.CONNECTED;
    }
  }

  /** The connection is gone. */
  void closed() {
    if (publication != null) {
      stopPublishing("disconnected");
    }
    if (player != null) {
      log.info("rtmp player {} of {}: disconnected", client.id(), client.stream());
      player.markClosed();
      stopPlaying();
    }
    state = State.CLOSED;
  }

  /** The publish/play argument's name, else the one the connect URL carried (tcUrl or app "live/cam"). */
  private String streamName(String path) {
    return path.isEmpty() ? defaultStream : path;
  }

  private ByteBufAllocator alloc() {
    return conn.ctx().alloc();
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? "" : values.getFirst();
  }
}
