package studio.tally.webrtc.ice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import studio.tally.proto.stun.ChannelData;
import studio.tally.proto.stun.ChannelNumber;
import studio.tally.proto.stun.Data;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.Lifetime;
import studio.tally.proto.stun.MessageIntegrity;
import studio.tally.proto.stun.Nonce;
import studio.tally.proto.stun.Realm;
import studio.tally.proto.stun.RequestedTransport;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunAttribute;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunException;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.Turn;
import studio.tally.proto.stun.Username;
import studio.tally.proto.stun.XorMappedAddress;
import studio.tally.proto.stun.XorPeerAddress;
import studio.tally.proto.stun.XorRelayedAddress;

/**
 * The client side of one TURN allocation (RFC 8656), as a pure state machine like
 * {@link IceControllingAgent}: no sockets, no threads, time passed in. The owner sends what
 * {@link #tick} returns to the TURN server (every {@link IceControllingAgent#TICK_MILLIS} ms), hands every
 * datagram from the server to {@link #onPacket}, and wraps data for a peer with {@link #wrap}. Over TCP
 * or TLS ({@link TurnServer.Transport#stream()}) the owner frames the stream ({@code TurnStreamFraming})
 * and hands one message per call; requests then go once (the stream is reliable, RFC 8489 §6.2.2) and
 * ChannelData is padded to 4 bytes (RFC 8656 §12.5). The relay toward peers is UDP either way.
 *
 * <ul>
 *   <li>Allocate (REQUESTED-TRANSPORT UDP) without credentials; the 401's REALM and NONCE give the
 *       long-term key MD5(username ":" realm ":" password) (RFC 8489 §9.2.2) and the request goes again
 *       with USERNAME, REALM, NONCE, MESSAGE-INTEGRITY. A 401 to a request that carried credentials
 *       fails the client: "TURN turn:host:port refused the credentials (401)".</li>
 *   <li>438 Stale Nonce: the request goes again with the response's NONCE (three times in a row at most).</li>
 *   <li>Each peer given to {@link #addPeer} gets a permission for its IP (CreatePermission) and a channel
 *       (ChannelBind, 0x4000 upwards). Data goes as ChannelData once the channel is bound, as a Send
 *       indication while only the permission is, and not at all before.</li>
 *   <li>Refresh: the allocation a minute before its LIFETIME ends (half of it when that is shorter),
 *       permissions every 4 min (they last 5), channels every 5 min (they last 10).</li>
 *   <li>Requests are retransmitted (500 ms, doubling, at most 2 s apart) for {@link #TRANSACTION_TIMEOUT_MILLIS};
 *       an Allocate or Refresh with no answer by then fails the client, a permission or channel is
 *       tried again at its next refresh.</li>
 * </ul>
 * Responses that carry MESSAGE-INTEGRITY must verify with the key; success responses to
 * authenticated requests without it are ignored. Single-threaded: call everything from one thread.
 */
public final class TurnClient {
  static final long TRANSACTION_TIMEOUT_MILLIS = 8_000;
  static final long PERMISSION_REFRESH_MILLIS = 240_000;
  static final long CHANNEL_REFRESH_MILLIS = 300_000;
  private static final long DEFAULT_LIFETIME_SECONDS = 600;
  private static final int MAX_STALE_NONCE_RETRIES = 3;

  /** Where the client is. */
  public enum State { ALLOCATING, READY, FAILED }

  /** Data a peer sent through the relay: {@code data} is a slice or copy valid during the call only. */
  public record PeerData(InetSocketAddress peer, ByteBuf data) {}

  private enum Kind { ALLOCATE, REFRESH, PERMISSION, CHANNEL, DEALLOCATE }

  private static final class Transaction {
    final Kind kind;
    final List<StunAttribute> attributes;
    final Object subject; // the peer IP (permission) or Channel
    final boolean authenticated;
    final byte[] tid;
    final byte[] bytes;
    final long startNanos;
    long nextSendNanos;
    long rtoMillis = 500;

    Transaction(Kind kind, List<StunAttribute> attributes, Object subject, boolean authenticated, byte[] tid,
        byte[] bytes, long now) {
      this.kind = kind;
      this.attributes = attributes;
      this.subject = subject;
      this.authenticated = authenticated;
      this.tid = tid;
      this.bytes = bytes;
      this.startNanos = now;
      this.nextSendNanos = now;
    }
  }

  private static final class Permission {
    boolean ready;
    boolean pending;
    long refreshNanos = Long.MIN_VALUE;
  }

  private static final class Channel {
    final int number;
    final InetSocketAddress peer;
    boolean bound;
    boolean pending;
    long refreshNanos = Long.MIN_VALUE;

    Channel(int number, InetSocketAddress peer) {
      this.number = number;
      this.peer = peer;
    }
  }

  private final TurnServer server;
  private final RandomGenerator random;
  private final List<Transaction> transactions = new ArrayList<>();
  private final Set<InetSocketAddress> peers = new LinkedHashSet<>();
  private final Map<InetAddress, Permission> permissions = new LinkedHashMap<>();
  private final Map<InetSocketAddress, Channel> channelsByPeer = new HashMap<>();
  private final Map<Integer, Channel> channelsByNumber = new HashMap<>();
  private State state = State.ALLOCATING;
  private String failure;
  private boolean credentialsRefused;
  private String realm;
  private String nonce;
  private byte[] key;
  private InetSocketAddress relayed;
  private InetSocketAddress mapped;
  private long allocationRefreshNanos = Long.MAX_VALUE;
  private int nextChannel = ChannelData.MIN_CHANNEL;
  private int staleNonceRetries;
  private boolean started;
  private long malformed;
  private long unknownChannel;
  private String lastPeerError;

  public TurnClient(TurnServer server, RandomGenerator random) {
    this.server = Objects.requireNonNull(server, "server");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Asks for a permission and a channel toward {@code peer} (sent as soon as the allocation is ready). */
  public void addPeer(InetSocketAddress peer) {
    peers.add(peer);
  }

  /** Advances time: the requests (new, retransmitted, refreshes) to send to the TURN server now. */
  public List<byte[]> tick(long now) {
    List<byte[]> out = new ArrayList<>();
    if (state == State.FAILED) {
      return out;
    }
    if (!started) {
      started = true;
      start(Kind.ALLOCATE, List.of(new RequestedTransport(RequestedTransport.UDP), new Lifetime(DEFAULT_LIFETIME_SECONDS)),
          null, now);
    }
    if (state == State.READY) {
      if (now >= allocationRefreshNanos && !pending(Kind.REFRESH)) {
        allocationRefreshNanos = Long.MAX_VALUE;
        start(Kind.REFRESH, List.of(new Lifetime(DEFAULT_LIFETIME_SECONDS)), null, now);
      }
      for (InetSocketAddress peer : peers) {
        Permission p = permissions.computeIfAbsent(peer.getAddress(), a -> new Permission());
        if (!p.pending && now >= p.refreshNanos) {
          p.pending = true;
          start(Kind.PERMISSION, List.of(new XorPeerAddress(stun(peer))), peer.getAddress(), now);
        }
        Channel c = channelsByPeer.get(peer);
        if (c == null && nextChannel <= ChannelData.MAX_CHANNEL) {
          c = new Channel(nextChannel++, peer);
          channelsByPeer.put(peer, c);
          channelsByNumber.put(c.number, c);
        }
        if (c != null && !c.pending && now >= c.refreshNanos) {
          c.pending = true;
          start(Kind.CHANNEL, List.of(new ChannelNumber(c.number), new XorPeerAddress(stun(peer))), c, now);
        }
      }
    }
    for (Transaction t : List.copyOf(transactions)) {
      if (now - t.startNanos >= TRANSACTION_TIMEOUT_MILLIS * 1_000_000L) {
        transactions.remove(t);
        timedOut(t);
        if (state == State.FAILED) {
          return List.of();
        }
      } else if (now >= t.nextSendNanos) {
        out.add(t.bytes);
        // a stream delivers or breaks: no retransmission, only the transaction timeout
        t.nextSendNanos = server.transport().stream() ? Long.MAX_VALUE : now + t.rtoMillis * 1_000_000L;
        t.rtoMillis = Math.min(t.rtoMillis * 2, 2_000);
      }
    }
    return out;
  }

  /**
   * One datagram from the TURN server. Returns what a peer sent (a Data indication or ChannelData),
   * or null for the server's own answers and anything malformed or unknown (never thrown).
   */
  public PeerData onPacket(ByteBuf packet, long now) {
    if (ChannelData.isChannelData(packet)) {
      ByteBuf payload;
      try {
        payload = ChannelData.payload(packet);
      } catch (StunException e) {
        malformed++;
        return null;
      }
      Channel c = channelsByNumber.get(ChannelData.channel(packet));
      if (c == null || !c.bound) {
        unknownChannel++;
        return null;
      }
      return new PeerData(c.peer, payload);
    }
    if (!StunMessage.isStun(packet)) {
      malformed++;
      return null;
    }
    StunMessage m;
    try {
      m = StunMessage.parse(packet.duplicate());
    } catch (StunException | IllegalArgumentException e) {
      malformed++;
      return null;
    }
    if (m.type().equals(Turn.DATA_INDICATION)) {
      var peer = m.attribute(XorPeerAddress.class);
      var data = m.attribute(Data.class);
      if (peer.isEmpty() || data.isEmpty()) {
        malformed++;
        return null;
      }
      return new PeerData(address(peer.get().address()), Unpooled.wrappedBuffer(data.get().bytes()));
    }
    StunClass cls = m.type().messageClass();
    if (cls != StunClass.SUCCESS_RESPONSE && cls != StunClass.ERROR_RESPONSE) {
      return null;
    }
    Transaction t = null;
    for (Transaction q : transactions) {
      if (Arrays.equals(q.tid, m.transactionId())) {
        t = q;
        break;
      }
    }
    if (t == null) {
      return null; // a late answer to a retransmission, or not ours
    }
    boolean signed = m.attribute(MessageIntegrity.class).isPresent();
    if (signed && key != null) {
      try {
        StunIntegrity.verifyIntegrity(packet, key);
      } catch (StunException e) {
        malformed++;
        return null;
      }
    }
    if (cls == StunClass.SUCCESS_RESPONSE && t.authenticated && !signed) {
      return null; // cannot be trusted
    }
    transactions.remove(t);
    if (cls == StunClass.SUCCESS_RESPONSE) {
      staleNonceRetries = 0;
      succeeded(t, m, now);
    } else {
      failed(t, m, now);
    }
    return null;
  }

  /**
   * {@code data} (not consumed, not released) wrapped for {@code peer}: ChannelData when its channel is
   * bound, a Send indication when only the permission is; null when neither is ready yet.
   */
  public ByteBuf wrap(InetSocketAddress peer, ByteBuf data, ByteBufAllocator alloc) {
    if (state != State.READY) {
      return null;
    }
    Channel c = channelsByPeer.get(peer);
    if (c != null && c.bound) {
      ByteBuf out = alloc.buffer(ChannelData.HEADER_LENGTH + data.readableBytes() + 3);
      if (server.transport().stream()) {
        ChannelData.encodePadded(c.number, data, out);
      } else {
        ChannelData.encode(c.number, data, out);
      }
      return out;
    }
    Permission p = permissions.get(peer.getAddress());
    if (p != null && p.ready) {
      byte[] bytes = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), bytes);
      ByteBuf out = alloc.buffer(bytes.length + 48);
      StunMessage.builder(Turn.SEND_INDICATION, StunMessage.newTransactionId(random))
          .add(new XorPeerAddress(stun(peer))).add(new Data(bytes)).encode(out);
      return out;
    }
    return null;
  }

  /** Whether data for {@code peer} can go out now ({@link #wrap} would not return null). */
  public boolean canSend(InetSocketAddress peer) {
    if (state != State.READY) {
      return false;
    }
    Channel c = channelsByPeer.get(peer);
    Permission p = permissions.get(peer.getAddress());
    return (c != null && c.bound) || (p != null && p.ready);
  }

  /** A Refresh with LIFETIME 0 that deletes the allocation (send once when closing), or null before it exists. */
  public byte[] deallocate(long now) {
    if (state != State.READY) {
      return null;
    }
    Transaction t = start(Kind.DEALLOCATE, List.of(new Lifetime(0)), null, now);
    transactions.remove(t);
    state = State.FAILED;
    failure = "closed";
    return t.bytes;
  }

  /**
   * The connection to the server could not be made or broke (TCP refused, TLS certificate untrusted,
   * reset): the client fails with {@code reason}; {@code refused} marks a configuration error not worth
   * retrying (an untrusted certificate). No effect once failed.
   */
  public void transportFailed(String reason, boolean refused) {
    if (state != State.FAILED) {
      fail("TURN " + server.uri() + ": " + reason, refused);
    }
  }

  private Transaction start(Kind kind, List<StunAttribute> attributes, Object subject, long now) {
    int method = switch (kind) {
      case ALLOCATE -> Turn.METHOD_ALLOCATE;
      case REFRESH, DEALLOCATE -> Turn.METHOD_REFRESH;
      case PERMISSION -> Turn.METHOD_CREATE_PERMISSION;
      case CHANNEL -> Turn.METHOD_CHANNEL_BIND;
    };
    byte[] tid = StunMessage.newTransactionId(random);
    StunMessage.Builder b = StunMessage.builder(new StunMessageType(method, StunClass.REQUEST), tid);
    attributes.forEach(b::add);
    if (key != null) {
      b.add(new Username(server.username())).add(new Realm(realm)).add(new Nonce(nonce)).messageIntegrity(key);
    }
    Transaction t = new Transaction(kind, attributes, subject, key != null, tid, b.fingerprint().toBytes(), now);
    transactions.add(t);
    return t;
  }

  private void succeeded(Transaction t, StunMessage m, long now) {
    switch (t.kind) {
      case ALLOCATE -> {
        var relay = m.attribute(XorRelayedAddress.class);
        if (relay.isEmpty()) {
          fail("TURN " + server.uri() + " answered the Allocate without XOR-RELAYED-ADDRESS", false);
          return;
        }
        relayed = address(relay.get().address());
        mapped = m.attribute(XorMappedAddress.class).map(x -> address(x.address())).orElse(null);
        state = State.READY;
        scheduleRefresh(m, now);
      }
      case REFRESH -> scheduleRefresh(m, now);
      case PERMISSION -> {
        Permission p = permissions.get((InetAddress) t.subject);
        if (p != null) {
          p.pending = false;
          p.ready = true;
          p.refreshNanos = now + PERMISSION_REFRESH_MILLIS * 1_000_000L;
        }
      }
      case CHANNEL -> {
        Channel c = (Channel) t.subject;
        c.pending = false;
        c.bound = true;
        c.refreshNanos = now + CHANNEL_REFRESH_MILLIS * 1_000_000L;
      }
      case DEALLOCATE -> { }
    }
  }

  private void scheduleRefresh(StunMessage m, long now) {
    long lifetime = m.attribute(Lifetime.class).map(Lifetime::seconds).orElse(DEFAULT_LIFETIME_SECONDS);
    long refreshIn = lifetime > 120 ? lifetime - 60 : Math.max(1, lifetime / 2);
    allocationRefreshNanos = now + refreshIn * 1_000_000_000L;
  }

  private void failed(Transaction t, StunMessage m, long now) {
    ErrorCode error = m.attribute(ErrorCode.class).orElse(null);
    int code = error == null ? 0 : error.code();
    if (code == ErrorCode.UNAUTHORIZED && !t.authenticated) {
      var r = m.attribute(Realm.class);
      var n = m.attribute(Nonce.class);
      if (r.isEmpty() || n.isEmpty()) {
        fail("TURN " + server.uri() + " answered 401 without REALM and NONCE", false);
        return;
      }
      realm = r.get().value();
      nonce = n.get().value();
      key = StunIntegrity.longTermKey(server.username(), realm, server.password());
      start(t.kind, t.attributes, t.subject, now);
      return;
    }
    if (code == ErrorCode.UNAUTHORIZED || code == Turn.WRONG_CREDENTIALS) {
      fail("TURN " + server.uri() + " refused the credentials (" + code + ")", true);
      return;
    }
    if (code == Turn.STALE_NONCE && staleNonceRetries < MAX_STALE_NONCE_RETRIES) {
      var n = m.attribute(Nonce.class);
      if (n.isPresent() && key != null) {
        staleNonceRetries++;
        nonce = n.get().value();
        m.attribute(Realm.class).ifPresent(r -> {
          realm = r.value();
          key = StunIntegrity.longTermKey(server.username(), realm, server.password());
        });
        start(t.kind, t.attributes, t.subject, now);
        return;
      }
    }
    String what = code + (error == null || error.reason().isBlank() ? "" : " " + error.reason());
    switch (t.kind) {
      case ALLOCATE -> fail("TURN " + server.uri() + " refused the Allocate (" + what + ")", code == Turn.FORBIDDEN);
      case REFRESH -> fail("TURN " + server.uri() + " refused to refresh the allocation (" + what + ")", false);
      case PERMISSION -> {
        Permission p = permissions.get((InetAddress) t.subject);
        if (p != null) {
          p.pending = false;
          p.ready = false;
          p.refreshNanos = now + PERMISSION_REFRESH_MILLIS * 1_000_000L;
        }
        lastPeerError = "CreatePermission for " + ((InetAddress) t.subject).getHostAddress() + " refused (" + what + ")";
      }
      case CHANNEL -> {
        Channel c = (Channel) t.subject;
        c.pending = false;
        c.refreshNanos = now + PERMISSION_REFRESH_MILLIS * 1_000_000L; // tried again later; Send indications meanwhile
        lastPeerError = "ChannelBind for " + c.peer + " refused (" + what + ")";
      }
      case DEALLOCATE -> { }
    }
  }

  private void timedOut(Transaction t) {
    String method = Turn.methodName(switch (t.kind) {
      case ALLOCATE -> Turn.METHOD_ALLOCATE;
      case REFRESH, DEALLOCATE -> Turn.METHOD_REFRESH;
      case PERMISSION -> Turn.METHOD_CREATE_PERMISSION;
      case CHANNEL -> Turn.METHOD_CHANNEL_BIND;
    });
    switch (t.kind) {
      case ALLOCATE, REFRESH -> fail("TURN " + server.uri() + " did not answer the " + method + " within "
          + TRANSACTION_TIMEOUT_MILLIS / 1000 + " s", false);
      case PERMISSION -> {
        Permission p = permissions.get((InetAddress) t.subject);
        if (p != null) {
          p.pending = false;
          p.refreshNanos = t.startNanos + 2 * TRANSACTION_TIMEOUT_MILLIS * 1_000_000L;
        }
        lastPeerError = method + " timed out";
      }
      case CHANNEL -> {
        Channel c = (Channel) t.subject;
        c.pending = false;
        c.refreshNanos = t.startNanos + 2 * TRANSACTION_TIMEOUT_MILLIS * 1_000_000L;
        lastPeerError = method + " timed out";
      }
      case DEALLOCATE -> { }
    }
  }

  private boolean pending(Kind kind) {
    return transactions.stream().anyMatch(t -> t.kind == kind);
  }

  private void fail(String reason, boolean refused) {
    state = State.FAILED;
    failure = reason;
    credentialsRefused = refused;
    transactions.clear();
  }

  private static StunAddress stun(InetSocketAddress a) {
    return new StunAddress(a.getAddress().getAddress(), a.getPort());
  }

  private static InetSocketAddress address(StunAddress a) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(a.address()), a.port());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address", e); // StunAddress guarantees the length
    }
  }

  public TurnServer server() {
    return server;
  }

  public State state() {
    return state;
  }

  /** Why the client failed, or null. */
  public String failure() {
    return failure;
  }

  /**
   * Whether the server refused us for good (401/441 with our credentials, 403 on Allocate): a
   * configuration error, not worth retrying.
   */
  public boolean refused() {
    return credentialsRefused;
  }

  /** The relayed transport address (our relay candidate), or null before the allocation. */
  public InetSocketAddress relayed() {
    return relayed;
  }

  /** Our address as the TURN server saw it (XOR-MAPPED-ADDRESS of the Allocate), or null. */
  public InetSocketAddress mapped() {
    return mapped;
  }

  /** The channel bound to {@code peer}, or -1. */
  public int channelOf(InetSocketAddress peer) {
    Channel c = channelsByPeer.get(peer);
    return c != null && c.bound ? c.number : -1;
  }

  /** Whether a permission for {@code peer}'s IP is installed. */
  public boolean permitted(InetAddress peer) {
    Permission p = permissions.get(peer);
    return p != null && p.ready;
  }

  /** The last refusal or timeout of a permission or channel, or null. */
  public String lastPeerError() {
    return lastPeerError;
  }

  /** Datagrams from the server that were not TURN or failed to parse or verify. */
  public long malformed() {
    return malformed;
  }

  /** ChannelData on a channel we have not bound. */
  public long unknownChannel() {
    return unknownChannel;
  }
}
