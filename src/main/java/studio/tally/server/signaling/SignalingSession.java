package studio.tally.server.signaling;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingCodec;
import studio.tally.proto.signaling.SignalingError;
import studio.tally.proto.signaling.SignalingException;
import studio.tally.proto.signaling.SignalingNames;
import studio.tally.proto.signaling.SignalingRequest;

/**
 * One signaling socket: reads requests, keeps its membership (one room, one display at a time), applies
 * the rate limit and the token, and asks the {@link RoomRegistry} to do the rest. Its own fields are
 * touched only on the socket's event loop; {@link #send} and {@link #close} may come from any thread.
 */
final class SignalingSession implements Peer {
  private static final Logger log = LoggerFactory.getLogger(SignalingSession.class);
  // After this many refused frames in a row a socket is flooding, not bursting: it is closed.
  private static final int MAX_STRIKES = 100;

  private final Channel channel;
  private final RoomRegistry rooms;
  private final SignalingSettings settings;
  private final boolean authorized;
  private final TokenBucket bucket;
  private String room;
  private String display;
  private int strikes;

  /** @param authorized the socket gave the right token on its URL (or none is needed) */
  SignalingSession(Channel channel, RoomRegistry rooms, SignalingSettings settings, boolean authorized) {
    this.channel = channel;
    this.rooms = rooms;
    this.settings = settings;
    this.authorized = authorized;
    this.bucket = new TokenBucket(settings.rate(), 2.0 * settings.rate(), System.nanoTime());
  }

  void onText(String text) {
    if (!bucket.tryTake(System.nanoTime())) {
      if (++strikes > MAX_STRIKES) {
        close(SignalingError.RATE_LIMITED, "too many messages, closing");
      } else {
        send(new ServerMessage.ErrorReply(SignalingCodec.tidOf(text), SignalingError.RATE_LIMITED,
            "more than " + settings.rate() + " messages per second"));
      }
      return;
    }
    strikes = 0;
    SignalingRequest req;
    try {
      req = SignalingCodec.decodeRequest(text);
    } catch (SignalingException e) {
      send(new ServerMessage.ErrorReply(SignalingCodec.tidOf(text),
          e.notJson() ? SignalingError.BAD_JSON : SignalingError.BAD_REQUEST, e.getMessage()));
      return;
    }
    switch (req.action()) {
      case JOIN -> join(req);
      case PUBLISH -> {
        if (member(req)) {
          apply(rooms.publish(this, req.tid(), roomOf(req), displayOf(req)));
        }
      }
      case CONTROL -> {
        if (member(req)) {
          apply(rooms.control(this, req.tid(), roomOf(req), displayOf(req), req.call(), req.data(), req.to()));
        }
      }
      case LEAVE -> {
        if (member(req)) {
          RoomRegistry.Outcome o = rooms.leave(this, req.tid(), roomOf(req), displayOf(req));
          if (!(o.reply() instanceof ServerMessage.ErrorReply)) {
            log.info("{}: '{}' left room '{}'", channel.remoteAddress(), display, room);
            room = null;
            display = null;
          }
          apply(o);
        }
      }
      case UNKNOWN -> send(new ServerMessage.ErrorReply(req.tid(), SignalingError.UNKNOWN_ACTION,
          "unknown action '" + abbreviate(req.actionName()) + "' (join, publish, control, leave)"));
    }
  }

  private void join(SignalingRequest req) {
    if (!SignalingNames.isValid(req.room())) {
      send(new ServerMessage.ErrorReply(req.tid(), SignalingError.BAD_NAME, SignalingNames.problem("room", req.room())));
      return;
    }
    if (!SignalingNames.isValid(req.display())) {
      send(new ServerMessage.ErrorReply(req.tid(), SignalingError.BAD_NAME, SignalingNames.problem("display", req.display())));
      return;
    }
    if (!authorized && !tokenMatches(req.token())) {
      send(new ServerMessage.ErrorReply(req.tid(), SignalingError.UNAUTHORIZED, "this server needs a token to join"));
      return;
    }
    if (room != null && !(room.equals(req.room()) && display.equals(req.display()))) {
      send(new ServerMessage.ErrorReply(req.tid(), SignalingError.ALREADY_JOINED,
          "this socket is in room '" + room + "' as '" + display + "': leave first"));
      return;
    }
    RoomRegistry.Outcome o = rooms.join(this, req.tid(), req.room(), req.display(), req.resume());
    if (o.joined()) {
      if (room == null) {
        log.info("{}: '{}' joined room '{}'{}", channel.remoteAddress(), req.display(), req.room(),
            o.replaced() != null ? " (resumed, replacing its old socket)" : "");
      }
      room = req.room();
      display = req.display();
    }
    apply(o);
  }

  /** Publish/control/leave need the socket to be in a room; room and display default to its own. */
  private boolean member(SignalingRequest req) {
    if (room != null) {
      return true;
    }
    boolean noSuchRoom = req.room() != null && rooms.participants(req.room()).isEmpty();
    send(new ServerMessage.ErrorReply(req.tid(), noSuchRoom ? SignalingError.UNKNOWN_ROOM : SignalingError.NOT_JOINED,
        noSuchRoom ? "no room '" + abbreviate(req.room()) + "'" : "join a room first"));
    return false;
  }

  private String roomOf(SignalingRequest req) {
    return req.room() != null ? req.room() : room;
  }

  private String displayOf(SignalingRequest req) {
    return req.display() != null ? req.display() : display;
  }

  private void apply(RoomRegistry.Outcome o) {
    send(o.reply());
    o.notifies().forEach(d -> d.to().send(d.message()));
    if (o.replaced() != null) {
      o.replaced().close(SignalingError.REPLACED, "this display rejoined from another socket");
    }
  }

  /** The socket closed (by either side, or found dead): its member leaves. */
  void onClosed() {
    if (room != null) {
      log.info("{}: '{}' gone from room '{}'", channel.remoteAddress(), display, room);
      rooms.gone(this, room, display).forEach(d -> d.to().send(d.message()));
      room = null;
      display = null;
    }
  }

  @Override
  public void send(ServerMessage m) {
    if (channel.isActive()) {
      channel.writeAndFlush(new TextWebSocketFrame(SignalingCodec.encode(m)), channel.voidPromise());
    }
  }

  @Override
  public void close(SignalingError why, String message) {
    if (!channel.isActive()) {
      return;
    }
    channel.write(new TextWebSocketFrame(SignalingCodec.encode(new ServerMessage.ErrorReply(null, why, message))),
        channel.voidPromise());
    WebSocketCloseStatus status = why == SignalingError.MESSAGE_TOO_LARGE ? WebSocketCloseStatus.MESSAGE_TOO_BIG
        : why == SignalingError.RATE_LIMITED ? WebSocketCloseStatus.POLICY_VIOLATION : WebSocketCloseStatus.NORMAL_CLOSURE;
    channel.writeAndFlush(new CloseWebSocketFrame(status, why.code())).addListener(ChannelFutureListener.CLOSE);
  }

  private boolean tokenMatches(String given) {
    String want = settings.token();
    return want == null || (given != null && java.security.MessageDigest.isEqual(
        want.getBytes(java.nio.charset.StandardCharsets.UTF_8), given.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** Requests per second with a burst; refilled from the clock, no timer. */
  static final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double burst, long now) {
      this.perNano = perSecond / 1e9;
      this.burst = burst;
      this.tokens = burst;
      this.last = now;
    }

    boolean tryTake(long now) {
      tokens = Math.min(burst, tokens + (now - last) * perNano);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
