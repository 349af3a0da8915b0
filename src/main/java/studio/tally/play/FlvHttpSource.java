package studio.tally.play;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.flv.FlvException;
import studio.tally.proto.flv.FlvTag;
import studio.tally.proto.flv.FlvTagReader;

/**
 * HTTP(S)-FLV: one GET, then the response body through {@link FlvTagReader}, tag by tag. 200 starts
 * playing; 404 is "no such stream"; any other status is a refusal with the status said.
 */
final class FlvHttpSource implements MediaSource {
  private final PlayUrl.Flv url;
  private final SourceConnection connection;

  FlvHttpSource(PlayUrl.Flv url, EventLoopGroup group, PlayerOptions options) {
    this.url = url;
    this.connection = new SourceConnection(group, url.host(), url.port(), url.tls(), options);
  }

  @Override
  public void start(Events events) {
    Handler handler = new Handler(events);
    connection.open(cause -> handler.end(Failures.connectFailed(url.host(), url.port(), cause)), new HttpClientCodec(), handler);
  }

  @Override
  public void setReading(boolean reading) {
    connection.setReading(reading);
  }

  @Override
  public void close() {
    connection.close();
  }

  private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final Events events;
    private final FlvTagReader reader = new FlvTagReader();
    private final List<FlvTag> tags = new ArrayList<>();
    private boolean playing;
    private boolean ended;

    Handler(Events events) {
      this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, url.pathAndQuery());
      String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
      boolean defaultPort = url.port() == (url.tls() ? 443 : 80);
      request.headers().set(HttpHeaderNames.HOST, defaultPort ? host : host + ":" + url.port())
          .set(HttpHeaderNames.USER_AGENT, "tally-probe")
          .set(HttpHeaderNames.ACCEPT, "*/*")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(request);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (ended) return;
      if (msg instanceof HttpResponse response) {
        HttpResponseStatus status = response.status();
        if (status.code() == 404) {
          end(new PlayFailure(PlayFailure.Kind.NOT_FOUND, "HTTP 404: no stream at " + url.pathAndQuery()));
          return;
        }
        if (status.code() != 200) {
          String location = response.headers().get(HttpHeaderNames.LOCATION);
          end(new PlayFailure(PlayFailure.Kind.REJECTED, "HTTP " + status.code() + " " + status.reasonPhrase()
              + (location == null ? "" : " (Location: " + location + ")")));
          return;
        }
        playing = true;
        events.connected();
      }
      if (msg instanceof HttpContent content) {
        try {
          reader.read(content.content(), tags);
          for (FlvTag t : tags) events.tag(t.type(), t.timestamp(), t.body());
        } catch (FlvException e) {
          end(new PlayFailure(PlayFailure.Kind.BAD_STREAM, "not a playable FLV stream: " + e.getMessage()));
        } finally {
          tags.forEach(FlvTag::release);
          tags.clear();
        }
        if (msg instanceof LastHttpContent && !ended) {
          end(new PlayFailure(PlayFailure.Kind.ENDED, "the server ended the stream"));
        }
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) end(Failures.tls(e.cause(), connection.tls()));
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      end(Failures.onConnection(cause, connection.tls(), playing, playing ? "while playing" : "before the HTTP response"));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end(new PlayFailure(playing ? PlayFailure.Kind.ENDED : PlayFailure.Kind.BAD_STREAM,
          playing ? "the server closed the connection" : "the server closed the connection before answering"));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      reader.close();
    }

    void end(PlayFailure failure) {
      if (ended) return;
      ended = true;
      connection.close();
      events.ended(failure);
    }
  }
}
