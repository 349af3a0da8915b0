package studio.tally.signaling;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingCodec;
import studio.tally.proto.signaling.SignalingError;
import studio.tally.proto.signaling.SignalingException;
import studio.tally.proto.signaling.SignalingRequest;

/**
 * One signaling connection. All state lives on its own event loop; the public methods may be called
 * from any thread and return futures. Listener callbacks run on that loop and must not block. When the
 * socket drops (or goes silent past 2.5 ping intervals) it reconnects with backoff and, if it was in a
 * room, rejoins with the resume token so the server swaps the sockets at once.
 */
public final class SignalingClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalingClient.class);

  public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

  /** What the application hears; called on the client's event loop. */
  public interface Listener {
    default void onNotify(ServerMessage.Notify notify) {}

    default void onState(State state, String reason) {}

    /** After a reconnect, the room as it is now (the peer may have left meanwhile). */
    default void onRejoined(ServerMessage.JoinReply reply) {}
  }

  private final SignalingOptions options;
  private final Listener listener;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final SignalingTls tls;
  private final Map<String, CompletableFuture<ServerMessage>> pending = new HashMap<>();
  private Channel channel;
  private int tidCounter = ThreadLocalRandom.current().nextInt(1 << 24);
  private String room;
  private String display;
  private String resume;
  private boolean closing;
  private String closeReason;
  private long lostAtNanos;
  private int attempt;
  private volatile State state = State.CONNECTING;

  private SignalingClient(SignalingOptions options, Listener listener) {
    this.options = options;
    this.listener = listener;
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tally-signaling", true), NioIoHandler.newFactory());
    this.loop = group.next();
    this.tls = options.tls() ? new SignalingTls(options.tlsFingerprint(), options.insecureTls()) : null;
  }

  /** Connects and waits for the WebSocket handshake (up to the request timeout). */
  public static SignalingClient connect(SignalingOptions options, Listener listener) throws SignalingClientException {
    SignalingClient c = new SignalingClient(options, listener);
    CompletableFuture<Void> open = new CompletableFuture<>();
    c.loop.execute(() -> c.dial(open));
    try {
      open.get(options.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return c;
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      c.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new SignalingClientException(null, "cannot connect to " + options + ": " + describe(cause), cause);
    }
  }

  public State state() {
    return state;
  }

  public CompletableFuture<ServerMessage.JoinReply> join(String room, String display) {
    return request(SignalingRequest.join(null, room, display, options.token(), null)).thenApply(m -> {
      ServerMessage.JoinReply r = (ServerMessage.JoinReply) m;
      loop.execute(() -> {
        this.room = room;
        this.display = display;
        this.resume = r.resume();
      });
      return r;
    });
  }

  /** Tells the room this participant publishes its media (SFU mode). */
  public CompletableFuture<Void> publish() {
    return onLoop(() -> request(SignalingRequest.publish(null, room, display))).thenApply(m -> null);
  }

  /** A control message to every other participant, or only {@code to} (null = all). */
  public CompletableFuture<Void> control(String call, String data, String to) {
    return onLoop(() -> request(SignalingRequest.control(null, room, display, call, data, to))).thenApply(m -> null);
  }

  public CompletableFuture<Void> leave() {
    return onLoop(() -> request(SignalingRequest.leave(null, room, display))).thenApply(m -> {
      loop.execute(() -> {
        room = null;
        resume = null;
      });
      return null;
    });
  }

  private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<CompletableFuture<T>> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    loop.execute(() -> f.get().whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(e);
      } else {
        out.complete(v);
      }
    }));
    return out;
  }

  private CompletableFuture<ServerMessage> request(SignalingRequest r) {
    CompletableFuture<ServerMessage> f = new CompletableFuture<>();
    loop.execute(() -> {
      if (channel == null || !channel.isActive() || state != State.OPEN) {
        f.completeExceptionally(new SignalingClientException("not connected (" + state + ")"));
        return;
      }
      String tid = String.format("%07x", tidCounter++ & 0xfffffff);
      pending.put(tid, f);
      loop.schedule(() -> {
        if (pending.remove(tid) != null) {
          f.completeExceptionally(new SignalingClientException(null,
              r.actionName() + " got no reply within " + options.requestTimeout().toMillis() + " ms", null));
        }
      }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      channel.writeAndFlush(new TextWebSocketFrame(SignalingCodec.encode(r.withTid(tid))));
    });
    return f;
  }

  private void dial(CompletableFuture<Void> open) {
    long pingMs = options.pingInterval().toMillis();
    var ws = WebSocketClientProtocolConfig.newBuilder().webSocketUri(options.uri())
        .handshakeTimeoutMillis(options.requestTimeout().toMillis()).maxFramePayloadLength(1 << 20)
        .dropPongFrames(true).handleCloseFrames(true).build();
    Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.requestTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc(), options.uri().getHost(), options.port()));
            }
            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                new WebSocketClientProtocolHandler(ws), new Handler(open));
          }
        });
    b.connect(options.uri().getHost(), options.port()).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        open.completeExceptionally(f.cause());
        return;
      }
      channel = f.channel();
      var pinger = loop.scheduleAtFixedRate(() -> {
        if (channel == f.channel() && f.channel().isActive() && state == State.OPEN) {
          f.channel().writeAndFlush(new PingWebSocketFrame());
        }
      }, pingMs, pingMs, TimeUnit.MILLISECONDS);
      f.channel().closeFuture().addListener(c -> pinger.cancel(false));
    });
  }

  private void opened(CompletableFuture<Void> open) {
    attempt = 0;
    boolean rejoin = state == State.RECONNECTING && room != null;
    setState(State.OPEN, null);
    open.complete(null);
    if (rejoin) {
      request(SignalingRequest.join(null, room, display, options.token(), resume)).whenComplete((m, e) -> loop.execute(() -> {
        if (e != null) {
          log.info("signaling: rejoining room '{}' as '{}' failed: {}", room, display, describe(e));
          room = null;
          closeReason = "rejoin failed: " + describe(e);
          closing = true;
          if (channel != null) {
            channel.close();
          }
          return;
        }
        ServerMessage.JoinReply r = (ServerMessage.JoinReply) m;
        resume = r.resume();
        log.info("signaling: rejoined room '{}' as '{}'", room, display);
        listener.onRejoined(r);
      }));
    }
  }

  private void lost(String why) {
    pending.values().forEach(f -> f.completeExceptionally(new SignalingClientException("connection lost: " + why)));
    pending.clear();
    if (closing || options.reconnectFor().isZero() || state == State.CONNECTING) {
      setState(State.CLOSED, closeReason != null ? closeReason : why);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      return;
    }
    if (state != State.RECONNECTING) {
      lostAtNanos = System.nanoTime();
      setState(State.RECONNECTING, why);
    }
    retry(why);
  }

  private void retry(String why) {
    long elapsed = System.nanoTime() - lostAtNanos;
    if (elapsed > options.reconnectFor().toNanos()) {
      setState(State.CLOSED, "gave up reconnecting after " + options.reconnectFor().toSeconds() + " s: " + why);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      return;
    }
    long backoff = Math.min(5000, 250L << Math.min(attempt, 5));
    long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    attempt++;
    loop.schedule(() -> {
      if (closing) {
        return;
      }
      CompletableFuture<Void> open = new CompletableFuture<>();
      open.whenComplete((v, e) -> {
        if (e != null) {
          loop.execute(() -> retry(describe(e)));
        }
      });
      dial(open);
    }, delay, TimeUnit.MILLISECONDS);
  }

  private void setState(State s, String reason) {
    if (state == s) {
      return;
    }
    state = s;
    log.info("signaling {}: {}{}", options, s, reason != null ? " (" + reason + ")" : "");
    listener.onState(s, reason);
  }

  @Override
  public void close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loop.execute(() -> {
        closing = true;
        if (channel != null && channel.isActive()) {
          channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
              .addListener(ChannelFutureListener.CLOSE);
          channel.closeFuture().addListener(f -> done.complete(null));
          loop.schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
        } else {
          setState(State.CLOSED, "closed");
          done.complete(null);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.complete(null); // already shut down
    }
    if (!loop.inEventLoop()) {
      try {
        done.get(2, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // closing anyway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    } else {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  static String describe(Throwable e) {
    while ((e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null) {
      e = e.getCause();
    }
    String m = e.getMessage();
    // the JDK prefixes a TLS failure with its alert's name, "(certificate_unknown) ...": the rest says it
    return m == null ? e.getClass().getSimpleName() : m.replaceFirst("^\\([a-z_]+\\) ", "");
  }

  private final class Handler extends SimpleChannelInboundHandler<Object> {
    private final CompletableFuture<Void> open;

    Handler(CompletableFuture<Void> open) {
      this.open = open;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        // First in line, so every byte (a pong included) proves the peer alive; armed only now, as the
        // handshake has its own timeout.
        long pingMs = options.pingInterval().toMillis();
        ctx.pipeline().addFirst("ws-idle", new IdleStateHandler(pingMs * 5 / 2, 0, 0, TimeUnit.MILLISECONDS));
        opened(open);
      } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
        open.completeExceptionally(new SignalingClientException("WebSocket handshake timed out"));
      } else if (evt instanceof IdleStateEvent) {
        log.info("signaling {}: nothing from the server for {} ms (no pong), reconnecting", options,
            options.pingInterval().toMillis() * 5 / 2);
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof TextWebSocketFrame t)) {
        return;
      }
      ServerMessage m;
      try {
        m = SignalingCodec.decodeServer(t.text());
      } catch (SignalingException e) {
        log.info("signaling {}: ignoring a frame: {}", options, e.getMessage());
        return;
      }
      String tid = switch (m) {
        case ServerMessage.Reply r -> r.tid();
        case ServerMessage.JoinReply r -> r.tid();
        case ServerMessage.ErrorReply r -> r.tid();
        case ServerMessage.Notify n -> null;
      };
      CompletableFuture<ServerMessage> f = tid == null ? null : pending.remove(tid);
      if (f != null) {
        if (m instanceof ServerMessage.ErrorReply e) {
          f.completeExceptionally(new SignalingClientException(e.error(), e.error().code() + ": " + e.message(), null));
        } else {
          f.complete(m);
        }
      } else if (m instanceof ServerMessage.Notify n) {
        listener.onNotify(n);
      } else if (m instanceof ServerMessage.ErrorReply e) {
        log.info("signaling {}: server says {}: {}", options, e.error().code(), e.message());
        if (e.error() == SignalingError.REPLACED) {
          closing = true; // another socket holds our display now: reconnecting would fight it
          closeReason = "replaced by a rejoin from another socket";
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (open.isDone() && !open.isCompletedExceptionally() && channel == ctx.channel()) {
        lost("socket closed");
      } else {
        open.completeExceptionally(new SignalingClientException("connection closed during the handshake"));
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("signaling {}: {}", options, cause.toString());
      open.completeExceptionally(cause);
      ctx.close();
    }
  }
}
