package studio.tally.webrtc.ice;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.Fingerprint;
import studio.tally.proto.stun.IceControlling;
import studio.tally.proto.stun.MessageIntegrity;
import studio.tally.proto.stun.Priority;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunException;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UseCandidate;
import studio.tally.proto.stun.XorMappedAddress;

/**
 * The controlling ICE agent of a WebRTC client (RFC 8445 §6.1, §7.2, §8.1; consent freshness RFC
 * 7675), toward ice-lite servers (SRS, ours) and full-ICE servers alike. Pure state: no sockets, no
 * threads, time passed in by the owner. The owner calls {@link #tick} every {@link #TICK_MILLIS} ms
 * and sends what it returns; every STUN packet from a remote candidate goes to {@link #onStun}.
 *
 * <p>Checks go to every remote candidate (in the answer's order, paced one per tick), each with
 * USE-CANDIDATE (nomination on the first success, as browsers toward an ice-lite peer do:
 * the server is controlled and takes the nominated pair), ICE-CONTROLLING with our tie-breaker,
 * PRIORITY, MESSAGE-INTEGRITY with the remote password and FINGERPRINT. The first candidate whose
 * response verifies is selected; after that a consent check goes every 4–6 s (randomized, RFC 7675
 * §5.1) and consent is lost when nothing verified answered for {@code consentTimeoutMillis}
 * (30 s by default). A full-ICE peer's own checks are answered (with XOR-MAPPED-ADDRESS) and count
 * as liveness too. Single-threaded: call all methods from one thread (the transport's event loop).
 *
 * <p>Pairs: with n remote candidates, pairs 0..n-1 go from our host socket to each candidate. After
 * {@link #enableRelay} (a TURN allocation is ready), pairs n..2n-1 go from our relayed candidate to
 * each of them and join the rotation; whichever pair verifies first is selected, so the relay is
 * what connects when the host pairs cannot. Outgoing and incoming packets name the pair.
 */
public final class IceControllingAgent {
  public static final int TICK_MILLIS = 50;
  /** Host candidate priority of component 1 (type preference 126, local 65535). */
  static final long PRIORITY = (126L << 24) | (65_535L << 8) | 255;
  /** Relayed candidate priority of component 1 (type preference 0, local 65535): below every host pair. */
  static final long RELAY_PRIORITY = (65_535L << 8) | 255;

  /** One outgoing STUN message and the pair it goes on (see the class comment). */
  public record Outgoing(int candidate, byte[] message) {}

  /** Where the agent is. */
  public enum State { CHECKING, CONNECTED, FAILED }

  private final IceParameters params;
  private final List<InetSocketAddress> remotes;
  private final RandomGenerator random;
  private final long tieBreaker;
  private final byte[] remoteKey;
  private final byte[] localKey;
  private final long checkTimeoutNanos;
  private final long consentTimeoutNanos;
  private final List<Pending> pending = new ArrayList<>();
  private State state = State.CHECKING;
  private String failure;
  private int selected = -1;
  private long startNanos = -1;
  private long nextCheckNanos;
  private int nextCandidate;
  private long lastConsentNanos;
  private long nextConsentNanos;
  private double rttMillis = Double.NaN;
  private long checksSent;
  private long responsesVerified;
  private boolean relay;

  private record Pending(byte[] tid, int candidate, long sentNanos) {}

  /**
   * @param remotes the answer's candidates, in its order; at least one
   * @param checkTimeout no verified response by then → {@link State#FAILED}
   * @param consentTimeout after connecting, no verified answer for this long → {@link State#FAILED}
   */
  public IceControllingAgent(IceParameters params, List<InetSocketAddress> remotes, RandomGenerator random,
      java.time.Duration checkTimeout, java.time.Duration consentTimeout) {
    this.params = Objects.requireNonNull(params, "params");
    this.remotes = List.copyOf(remotes);
    if (this.remotes.isEmpty()) {
      throw new IllegalArgumentException("no remote ICE candidate to check");
    }
    this.random = random;
    this.tieBreaker = random.nextLong();
    this.remoteKey = StunIntegrity.shortTermKey(params.remotePassword());
    this.localKey = StunIntegrity.shortTermKey(params.localPassword());
    this.checkTimeoutNanos = checkTimeout.toNanos();
    this.consentTimeoutNanos = consentTimeout.toNanos();
  }

  /** Advances time: the checks (or consent requests) to send now. */
  public List<Outgoing> tick(long nowNanos) {
    if (startNanos < 0) {
      startNanos = nowNanos;
      nextCheckNanos = nowNanos;
    }
    List<Outgoing> out = new ArrayList<>();
    pending.removeIf(p -> nowNanos - p.sentNanos > 10_000_000_000L);
    switch (state) {
      case CHECKING -> {
        if (nowNanos - startNanos >= checkTimeoutNanos) {
          fail("ICE failed: no answer to connectivity checks from " + remotes + (relay ? " (direct and relayed)" : "")
              + " within " + checkTimeoutNanos / 1_000_000 + " ms");
          return out;
        }
        if (nowNanos >= nextCheckNanos) {
          int c = nextCandidate % pairCount();
          nextCandidate = (c + 1) % pairCount();
          out.add(new Outgoing(c, check(c, true, nowNanos)));
          // one check per tick over all pairs; each pair again every 200 ms at the least
          nextCheckNanos = nowNanos + Math.max(TICK_MILLIS, 200 / pairCount()) * 1_000_000L;
        }
      }
      case CONNECTED -> {
        if (nowNanos - lastConsentNanos >= consentTimeoutNanos) {
          fail("ICE consent lost: no answer from " + remote(selected) + (isRelayed(selected) ? " (relayed)" : "") + " for "
              + consentTimeoutNanos / 1_000_000 + " ms");
          return out;
        }
        if (nowNanos >= nextConsentNanos) {
          out.add(new Outgoing(selected, check(selected, true, nowNanos)));
          nextConsentNanos = nowNanos + (4_000 + random.nextInt(2_001)) * 1_000_000L;
        }
      }
      case FAILED -> { }
    }
    return out;
  }

  /**
   * One STUN packet from remote candidate {@code candidate} (for UDP, the index of its source address;
   * see {@link #candidateOf}). Returns a response to send back for a peer's own check, else empty.
   * Bad or unexpected messages are ignored (never thrown).
   */
  public Optional<Outgoing> onStun(byte[] packet, int candidate, InetSocketAddress from, long nowNanos) {
    StunMessage m;
    try {
      m = StunMessage.parse(packet);
    } catch (StunException | IllegalArgumentException e) {
      return Optional.empty();
    }
    if (m.type().equals(StunMessageType.BINDING_REQUEST)) {
      return answer(m, packet, candidate, from, nowNanos);
    }
    if (m.type().method() != StunMessageType.BINDING_REQUEST.method()) {
      return Optional.empty();
    }
    Pending p = null;
    for (Pending q : pending) {
      if (Arrays.equals(q.tid, m.transactionId())) {
        p = q;
        break;
      }
    }
    if (p == null || m.attribute(MessageIntegrity.class).isEmpty()) {
      return Optional.empty(); // not ours, or unauthenticated (an error without integrity tells us nothing safe)
    }
    try {
      StunIntegrity.verifyIntegrity(packet, remoteKey);
    } catch (StunException e) {
      return Optional.empty();
    }
    pending.remove(p);
    if (m.type().messageClass() == StunClass.ERROR_RESPONSE) {
      int code = m.attribute(ErrorCode.class).map(ErrorCode::code).orElse(0);
      if (state == State.CHECKING && code != ErrorCode.ROLE_CONFLICT) {
        fail("ICE check to " + remote(p.candidate) + " refused with STUN error " + code);
      }
      return Optional.empty(); // 487: RFC 8445 §7.2.5.1 says switch roles; a server that wants control is not a WHIP server
    }
    if (m.type().messageClass() != StunClass.SUCCESS_RESPONSE) {
      return Optional.empty();
    }
    responsesVerified++;
    rttMillis = (nowNanos - p.sentNanos) / 1e6;
    lastConsentNanos = nowNanos;
    if (state == State.CHECKING) {
      state = State.CONNECTED;
      selected = p.candidate;
      nextConsentNanos = nowNanos + (4_000 + random.nextInt(2_001)) * 1_000_000L;
    }
    return Optional.empty();
  }

  private Optional<Outgoing> answer(StunMessage request, byte[] packet, int candidate, InetSocketAddress from,
      long nowNanos) {
    String expected = params.localUfrag() + ":" + params.remoteUfrag();
    if (!expected.equals(request.username().orElse(null)) || request.attribute(Fingerprint.class).isEmpty()) {
      return Optional.empty();
    }
    try {
      StunIntegrity.verifyIntegrity(packet, localKey);
    } catch (StunException e) {
      return Optional.empty();
    }
    if (state == State.CONNECTED && candidate == selected) {
      lastConsentNanos = nowNanos; // the peer's checks prove it is there and still wants us
    }
    return Optional.of(new Outgoing(candidate, StunMessage.responseTo(request, StunClass.SUCCESS_RESPONSE)
        .add(new XorMappedAddress(new StunAddress(from.getAddress().getAddress(), from.getPort())))
        .messageIntegrity(localKey).fingerprint().toBytes()));
  }

  private byte[] check(int candidate, boolean useCandidate, long nowNanos) {
    byte[] tid = StunMessage.newTransactionId(random);
    StunMessage.Builder b = StunMessage.builder(StunMessageType.BINDING_REQUEST, tid)
        .add(new studio.tally.proto.stun.Username(params.remoteUfrag() + ":" + params.localUfrag()))
        .add(new Priority(isRelayed(candidate) ? RELAY_PRIORITY : PRIORITY))
        .add(new IceControlling(tieBreaker));
    if (useCandidate) {
      b.add(new UseCandidate());
    }
    pending.add(new Pending(tid, candidate, nowNanos));
    if (pending.size() > 64) {
      pending.removeFirst();
    }
    checksSent++;
    return b.messageIntegrity(remoteKey).fingerprint().toBytes();
  }

  private void fail(String reason) {
    state = State.FAILED;
    failure = reason;
  }

  /** The host pair of {@code address} (its index among the remote candidates), or -1 (a packet from elsewhere). */
  public int candidateOf(InetSocketAddress address) {
    return remotes.indexOf(address);
  }

  /** The relayed pair of {@code address} (data the TURN server relayed from it), or -1. */
  public int relayedPairOf(InetSocketAddress address) {
    int i = remotes.indexOf(address);
    return i < 0 || !relay ? -1 : remotes.size() + i;
  }

  /** Adds the relayed pairs (relay → each remote candidate) to the checks. */
  public void enableRelay() {
    relay = true;
  }

  /** Whether {@code pair} goes through the TURN relay. */
  public boolean isRelayed(int pair) {
    return pair >= remotes.size();
  }

  /** The number of pairs checked: the remote candidates, twice once the relay is enabled. */
  public int pairCount() {
    return relay ? 2 * remotes.size() : remotes.size();
  }

  public State state() {
    return state;
  }

  /** Why the agent failed, or null. */
  public String failure() {
    return failure;
  }

  /** The selected pair, or -1 before connecting. */
  public int selected() {
    return selected;
  }

  /** The remote candidate of {@code pair}. */
  public InetSocketAddress remote(int pair) {
    return remotes.get(pair % remotes.size());
  }

  public int candidateCount() {
    return remotes.size();
  }

  /** Round trip of the last verified check, or NaN. */
  public double rttMillis() {
    return rttMillis;
  }

  public long checksSent() {
    return checksSent;
  }

  public long responsesVerified() {
    return responsesVerified;
  }
}
