package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.Fingerprint;
import studio.tally.proto.stun.IceControlled;
import studio.tally.proto.stun.MessageIntegrity;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunException;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UnknownAttributes;
import studio.tally.proto.stun.UseCandidate;
import studio.tally.proto.stun.XorMappedAddress;

/**
 * The ICE-lite side of connectivity checks (RFC 8445 §2.5, §7.3): answers the controlling peer's
 * Binding requests and never sends checks itself. Holds the registry of transports by USERNAME and
 * the paths (UDP source addresses, TCP connections) that passed a check, so DTLS and SRTP from a path
 * reach their transport.
 *
 * <p>A request is answered as RFC 8489 §6.3 and §9.1.3 say: no USERNAME or MESSAGE-INTEGRITY → 400;
 * MESSAGE-INTEGRITY that does not verify → 401; unknown comprehension-required attributes → 420;
 * ICE-CONTROLLED (the peer wants to be controlled, but an ice-lite agent is always controlled) → 487.
 * An unknown USERNAME is dropped silently and counted: answering would tell a scanner which ufrags
 * exist. Unparseable messages and checks without FINGERPRINT (RFC 8445 §7.2.2 makes it mandatory)
 * are dropped and counted. Runs on whichever I/O event loop received the packet; thread-safe.
 */
final class IceLiteAgent {
  private static final Logger log = LoggerFactory.getLogger(IceLiteAgent.class);

  private final Map<String, RtcTransport> byUsername = new ConcurrentHashMap<>();
  private final Map<RtcPath, RtcTransport> byPath = new ConcurrentHashMap<>();
  private final RtcCounters counters;

  IceLiteAgent(RtcCounters counters) {
    this.counters = counters;
  }

  void register(RtcTransport t) {
    if (byUsername.putIfAbsent(t.credentials().expectedUsername(), t) != null) {
      throw new IllegalArgumentException("ICE username already in use: " + t.credentials().expectedUsername());
    }
  }

  /** Forgets the transport and every path bound to it; returns those paths. */
  List<RtcPath> unregister(RtcTransport t) {
    byUsername.remove(t.credentials().expectedUsername(), t);
    List<RtcPath> paths = new java.util.ArrayList<>();
    byPath.entrySet().removeIf(e -> {
      if (e.getValue() == t) {
        paths.add(e.getKey());
        return true;
      }
      return false;
    });
    return paths;
  }

  /** The transport a path was bound to by a successful check, or null. */
  RtcTransport boundTo(RtcPath path) {
    return byPath.get(path);
  }

  /** Forgets a path (its TCP connection closed); returns the transport it was bound to, or null. */
  RtcTransport unbind(RtcPath path) {
    return byPath.remove(path);
  }

  int transportCount() {
    return byUsername.size();
  }

  List<RtcTransport> transports() {
    return List.copyOf(byUsername.values());
  }

  /** Handles one STUN packet (readable bytes of {@code packet}, not consumed, not released) from {@code path}. */
  void onStun(ByteBuf packet, RtcPath path) {
    int start = packet.readerIndex();
    StunMessage request;
    try {
      if (!StunMessage.isStun(packet)) {
        throw new StunException("stun: not a STUN message (header, cookie or length)");
      }
      request = StunMessage.parse(packet.duplicate());
    } catch (StunException | IllegalArgumentException e) {
      counters.stunMalformed.increment();
      log.debug("{}: malformed STUN dropped: {}", path, e.getMessage());
      return;
    }
    if (!request.type().equals(StunMessageType.BINDING_REQUEST)) {
      counters.stunIgnored.increment(); // Binding indications are keepalives; responses are not for us
      return;
    }
    if (request.attribute(Fingerprint.class).isEmpty()) {
      counters.stunMalformed.increment();
      log.debug("{}: Binding request without FINGERPRINT dropped", path);
      return;
    }
    String username = request.username().orElse(null);
    if (username == null || request.attribute(MessageIntegrity.class).isEmpty()) {
      counters.stunBadRequest.increment();
      log.debug("{}: Binding request without USERNAME or MESSAGE-INTEGRITY: 400", path);
      reply(path, error(request, ErrorCode.BAD_REQUEST, "Bad Request", null));
      return;
    }
    RtcTransport t = byUsername.get(username);
    if (t == null) {
      counters.stunUnknownUsername.increment();
      log.debug("{}: Binding request for unknown username {} dropped", path, username);
      return;
    }
    byte[] key = t.integrityKey();
    try {
      StunIntegrity.verifyIntegrity(packet.duplicate().readerIndex(start), key);
    } catch (StunException e) {
      counters.stunUnauthorized.increment();
      log.debug("{}: {} for {}: 401", path, e.getMessage(), username);
      reply(path, error(request, ErrorCode.UNAUTHORIZED, "Unauthorized", null));
      return;
    }
    List<Integer> unknown = request.unknownComprehensionRequired();
    if (!unknown.isEmpty()) {
      counters.stunUnknownAttribute.increment();
      reply(path, StunMessage.responseTo(request, StunClass.ERROR_RESPONSE)
          .add(new ErrorCode(ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute"))
          .add(new UnknownAttributes(unknown)).messageIntegrity(key).fingerprint().toBytes());
      return;
    }
    if (request.attribute(IceControlled.class).isPresent()) {
      counters.stunRoleConflict.increment();
      reply(path, error(request, ErrorCode.ROLE_CONFLICT, "Role Conflict", key));
      return;
    }
    InetSocketAddress source = path.remote();
    if (source == null) { // a TCP connection already gone
      counters.stunIgnored.increment();
      return;
    }
    byte[] response = StunMessage.responseTo(request, StunClass.SUCCESS_RESPONSE)
        .add(new XorMappedAddress(new StunAddress(source.getAddress().getAddress(), source.getPort())))
        .messageIntegrity(key).fingerprint().toBytes();
    counters.stunSuccess.increment();
    RtcTransport previous = byPath.put(path, t);
    if (previous != null && previous != t) {
      log.debug("{}: path moved from {} to {}", path, previous, t);
    }
    t.onValidCheck(path, request.attribute(UseCandidate.class).isPresent()); // first: DTLS must be ready
    reply(path, response);
  }

  private static byte[] error(StunMessage request, int code, String reason, byte[] key) {
    StunMessage.Builder b = StunMessage.responseTo(request, StunClass.ERROR_RESPONSE).add(new ErrorCode(code, reason));
    if (key != null) {
      b.messageIntegrity(key);
    }
    return b.fingerprint().toBytes();
  }

  private static void reply(RtcPath path, byte[] message) {
    path.send(Unpooled.wrappedBuffer(message));
  }
}
