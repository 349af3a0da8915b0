package studio.tally.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.Fingerprint;
import studio.tally.proto.stun.IceControlled;
import studio.tally.proto.stun.IceControlling;
import studio.tally.proto.stun.Priority;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UseCandidate;
import studio.tally.proto.stun.Username;
import studio.tally.proto.stun.XorMappedAddress;

/** The client's controlling ICE agent, driven from bytes and a fake clock (no sockets). */
class IceControllingAgentTest {
  private static final IceParameters PARAMS = new IceParameters("locl", "local-password-0123456789",
      "remt", "remote-password-0123456789");
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 8000);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 8001);
  private static final long MS = 1_000_000L;

  private static IceControllingAgent agent(List<InetSocketAddress> remotes) {
    return new IceControllingAgent(PARAMS, remotes, new Random(7), Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  /** What an ice-lite server answers to a check it verified. */
  private static byte[] success(byte[] request, String password) {
    StunMessage req = StunMessage.parse(request);
    return StunMessage.responseTo(req, StunClass.SUCCESS_RESPONSE)
        .add(new XorMappedAddress(new StunAddress(new byte[] {127, 0, 0, 1}, 40000)))
        .messageIntegrity(StunIntegrity.shortTermKey(password)).fingerprint().toBytes();
  }

  @Test
  void checksCarryTheRemoteUsernameUseCandidateControllingAndIntegrityWithTheRemotePassword() {
    IceControllingAgent a = agent(List.of(A));
    List<IceControllingAgent.Outgoing> out = a.tick(0);
    assertThat(out).hasSize(1);
    byte[] bytes = out.getFirst().message();
    StunMessage m = StunMessage.parse(bytes);
    assertThat(m.type()).isEqualTo(StunMessageType.BINDING_REQUEST);
    assertThat(m.username()).contains("remt:locl");
    assertThat(m.attribute(UseCandidate.class)).isPresent();
    assertThat(m.attribute(IceControlling.class)).isPresent();
    assertThat(m.attribute(IceControlled.class)).isEmpty();
    assertThat(m.attribute(Priority.class)).isPresent();
    assertThat(m.attribute(Fingerprint.class)).isPresent();
    StunIntegrity.verifyFingerprint(bytes);
    StunIntegrity.verifyIntegrity(bytes, StunIntegrity.shortTermKey("remote-password-0123456789"));
    assertThatThrownBy(() -> StunIntegrity.verifyIntegrity(bytes, StunIntegrity.shortTermKey("local-password-0123456789")))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void relayedPairsJoinTheChecksAndTheFirstVerifiedPairWins() {
    IceControllingAgent a = agent(List.of(A, B));
    assertThat(a.pairCount()).isEqualTo(2);
    assertThat(a.relayedPairOf(A)).as("no relay yet").isEqualTo(-1);
    a.tick(0);
    a.enableRelay();
    assertThat(a.pairCount()).isEqualTo(4);
    assertThat(a.relayedPairOf(B)).isEqualTo(3);
    List<Integer> pairs = new java.util.ArrayList<>();
    IceControllingAgent.Outgoing relayedToB = null;
    for (long t = 100; t <= 400; t += 100) {
      IceControllingAgent.Outgoing o = a.tick(t * MS).getFirst();
      pairs.add(o.candidate());
      if (o.candidate() == 3) {
        relayedToB = o;
      }
    }
    assertThat(pairs).containsExactly(1, 2, 3, 0);
    assertThat(a.isRelayed(3)).isTrue();
    assertThat(a.isRelayed(1)).isFalse();
    assertThat(a.remote(3)).isEqualTo(B);
    long relayPriority = StunMessage.parse(relayedToB.message()).attribute(Priority.class).orElseThrow().priority();
    long hostPriority = StunMessage.parse(a.tick(500 * MS).getFirst().message()).attribute(Priority.class).orElseThrow().priority();
    assertThat(relayPriority).isLessThan(hostPriority);
    // the host pairs never answer (no route); the relayed one does
    a.onStun(success(relayedToB.message(), "remote-password-0123456789"), 3, B, 420 * MS);
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.CONNECTED);
    assertThat(a.selected()).isEqualTo(3);
    assertThat(a.isRelayed(a.selected())).isTrue();
  }

  @Test
  void aVerifiedResponseSelectsItsCandidateAndMeasuresTheRoundTrip() {
    IceControllingAgent a = agent(List.of(A, B));
    IceControllingAgent.Outgoing toA = a.tick(0).getFirst();
    IceControllingAgent.Outgoing toB = a.tick(200 * MS).getFirst();
    assertThat(toA.candidate()).isEqualTo(0);
    assertThat(toB.candidate()).isEqualTo(1);
    assertThat(a.onStun(success(toB.message(), "remote-password-0123456789"), 1, B, 212 * MS)).isEmpty();
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.CONNECTED);
    assertThat(a.selected()).isEqualTo(1);
    assertThat(a.rttMillis()).isEqualTo(12.0);
    // a late answer from A changes nothing: B was nominated first
    a.onStun(success(toA.message(), "remote-password-0123456789"), 0, A, 220 * MS);
    assertThat(a.selected()).isEqualTo(1);
  }

  @Test
  void forgedOrUnknownResponsesAreIgnored() {
    IceControllingAgent a = agent(List.of(A));
    byte[] check = a.tick(0).getFirst().message();
    a.onStun(success(check, "wrong-password-0123456789"), 0, A, MS);
    byte[] other = StunMessage.builder(StunMessageType.BINDING_REQUEST, new byte[12]).toBytes();
    a.onStun(success(other, "remote-password-0123456789"), 0, A, MS); // not our transaction
    a.onStun(new byte[] {1, 2, 3}, 0, A, MS);
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.CHECKING);
    assertThat(a.responsesVerified()).isZero();
  }

  @Test
  void noAnswerWithinTheTimeoutFailsWithTheCandidatesInTheReason() {
    IceControllingAgent a = agent(List.of(A));
    long t = 0;
    int checks = 0;
    while (a.state() == IceControllingAgent.State.CHECKING) {
      checks += a.tick(t).size();
      t += IceControllingAgent.TICK_MILLIS * MS;
    }
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.FAILED);
    assertThat(a.failure()).contains("127.0.0.1:8000").contains("10000 ms");
    assertThat(checks).isBetween(40, 60); // one every 200 ms for 10 s: retransmitted, not flooded
  }

  @Test
  void anAuthenticatedErrorResponseFailsTheCheck() {
    IceControllingAgent a = agent(List.of(A));
    StunMessage req = StunMessage.parse(a.tick(0).getFirst().message());
    byte[] error = StunMessage.responseTo(req, StunClass.ERROR_RESPONSE).add(new ErrorCode(401, "Unauthorized"))
        .messageIntegrity(StunIntegrity.shortTermKey("remote-password-0123456789")).fingerprint().toBytes();
    a.onStun(error, 0, A, MS);
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.FAILED);
    assertThat(a.failure()).contains("401");
  }

  @Test
  void consentIsRefreshedEveryFourToSixSecondsAndLostAfterThirtySilentSeconds() {
    IceControllingAgent a = agent(List.of(A));
    a.onStun(success(a.tick(0).getFirst().message(), "remote-password-0123456789"), 0, A, 5 * MS);
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.CONNECTED);
    long t = 5 * MS;
    long firstConsent = -1;
    List<IceControllingAgent.Outgoing> sent = new java.util.ArrayList<>();
    while (a.state() == IceControllingAgent.State.CONNECTED && t < 60_000 * MS) {
      t += IceControllingAgent.TICK_MILLIS * MS;
      List<IceControllingAgent.Outgoing> out = a.tick(t);
      if (!out.isEmpty() && firstConsent < 0) {
        firstConsent = t;
        // answered once: consent is fresh again from here
        a.onStun(success(out.getFirst().message(), "remote-password-0123456789"), 0, A, t + MS);
      }
      sent.addAll(out);
    }
    assertThat(firstConsent).isBetween(4_000 * MS, 6_100 * MS);
    assertThat(a.state()).isEqualTo(IceControllingAgent.State.FAILED);
    assertThat(a.failure()).contains("consent lost");
    assertThat(t - firstConsent).isBetween(29_900 * MS, 30_200 * MS);
    assertThat(sent.size()).isBetween(5, 9); // one every 4-6 s over ~35 s
  }

  @Test
  void aFullIcePeersOwnCheckIsAnsweredWithItsMappedAddressAndOurPassword() {
    IceControllingAgent a = agent(List.of(A));
    byte[] peerCheck = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(new Random(1)))
        .add(new Username("locl:remt")).add(new IceControlled(5)).add(new Priority(1))
        .messageIntegrity(StunIntegrity.shortTermKey("local-password-0123456789")).fingerprint().toBytes();
    var reply = a.onStun(peerCheck, 0, A, MS).orElseThrow();
    StunMessage r = StunMessage.parse(reply.message());
    assertThat(r.type()).isEqualTo(StunMessageType.BINDING_SUCCESS);
    assertThat(r.attribute(XorMappedAddress.class).orElseThrow().address().port()).isEqualTo(8000);
    StunIntegrity.verifyIntegrity(reply.message(), StunIntegrity.shortTermKey("local-password-0123456789"));
    // wrong username or password: no answer
    byte[] wrong = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(new Random(2)))
        .add(new Username("locl:remt")).messageIntegrity(StunIntegrity.shortTermKey("nope-nope-nope-nope-nope"))
        .fingerprint().toBytes();
    assertThat(a.onStun(wrong, 0, A, MS)).isEmpty();
  }

  @Test
  void anAnswerWithoutCredentialsOrCandidatesIsAClearError() {
    assertThatThrownBy(() -> new IceParameters("a", "b", "", "x")).hasMessageContaining("ice-ufrag");
    assertThatThrownBy(() -> new IceParameters("a", "b", "x", null)).hasMessageContaining("ice-pwd");
    assertThatThrownBy(() -> agent(List.of())).hasMessageContaining("no remote ICE candidate");
  }
}
