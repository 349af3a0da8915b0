package studio.tally.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.server.tls.ServerCertificate;

/**
 * Our DTLS client role against BouncyCastle's DTLS server as our server role runs it, in memory:
 * both ends are real handshakes, every datagram passes through the test to lose or break.
 */
class DtlsClientSessionTest {

  private static final DtlsIdentity US = DtlsIdentity.selfSigned("tally-test-client-role");
  private static final DtlsIdentity PEER = DtlsIdentity.selfSigned("tally-test-peer-server");
  private static final DtlsConfig FAST = DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(5));

  private final SessionHarness clientEvents = new SessionHarness();
  private final SessionHarness serverEvents = new SessionHarness();
  private DtlsClientSession client;
  private DtlsServerSession server;

  @AfterEach
  void closeAndCheckThreads() throws Exception {
    for (DtlsSession s : new DtlsSession[] {client, server}) {
      if (s != null) {
        s.close();
        assertThat(s.awaitTermination(Duration.ofSeconds(2))).as("session thread ended").isTrue();
      }
    }
    if (client != null) {
      assertThat(clientEvents.threadsEnded(Duration.ofSeconds(1))).isTrue();
      assertThat(clientEvents.outcomes.get()).as("exactly one outcome").isEqualTo(1);
    }
  }

  /** Our client against our server role; {@code toServer} sits on the client → server path. */
  private void connect(DtlsConfig clientConfig, DtlsConfig serverConfig, CertificateFingerprint expectedServer,
      UnaryOperator<Consumer<byte[]>> toServer) {
    // the server may answer before start() below has returned: its datagrams wait for the client
    CompletableFuture<DtlsClientSession> c = new CompletableFuture<>();
    server = DtlsServerSession.start(PEER, serverConfig, sha256(US), d -> c.thenAccept(cs -> cs.onDatagram(d)),
        serverEvents, serverEvents.threadFactory);
    client = DtlsClientSession.start(US, clientConfig, expectedServer, toServer.apply(server::onDatagram), clientEvents,
        clientEvents.threadFactory);
    c.complete(client);
  }

  private static byte[] der(DtlsIdentity id) {
    try {
      return id.leaf().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }

  private static CertificateFingerprint sha256(DtlsIdentity id) {
    return CertificateFingerprint.compute("sha-256", der(id));
  }

  @Test
  void handshakeAsClientAgreesOnKeysAndTheServerPicksTheProfile() throws Exception {
    connect(FAST.withSrtpProfiles(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM), FAST,
        sha256(PEER), f -> f);
    DtlsResult ours = clientEvents.awaitResult();
    DtlsResult theirs = serverEvents.awaitResult();

    // our offer lists CM first, the server's preference (GCM) wins: we honour what it picked
    assertThat(ours.srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(theirs.srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(ours.keyingMaterial()).hasSize(56).isEqualTo(theirs.keyingMaterial());
    assertThat(ours.peerFingerprintSha256()).isEqualTo(sha256(PEER).hex());
    assertThat(theirs.peerFingerprintSha256()).as("our certificate went out as the client certificate")
        .isEqualTo(sha256(US).hex());
    assertThat(client.isEstablished()).isTrue();
  }

  @Test
  void eachProfileAlone() throws Exception {
    for (SrtpProfile profile : List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)) {
      SessionHarness c = new SessionHarness();
      SessionHarness s = new SessionHarness();
      CompletableFuture<DtlsClientSession> ref = new CompletableFuture<>();
      DtlsServerSession srv = DtlsServerSession.start(PEER, FAST, null, d -> ref.thenAccept(cs -> cs.onDatagram(d)), s);
      DtlsClientSession cli = DtlsClientSession.start(US, FAST.withSrtpProfiles(profile), null, srv::onDatagram, c);
      ref.complete(cli);
      try {
        assertThat(c.awaitResult().srtpProfile()).isEqualTo(profile);
        assertThat(c.awaitResult().keyingMaterial()).isEqualTo(s.awaitResult().keyingMaterial());
      } finally {
        cli.close();
        srv.close();
        assertThat(cli.awaitTermination(Duration.ofSeconds(2))).isTrue();
        assertThat(srv.awaitTermination(Duration.ofSeconds(2))).isTrue();
      }
    }
  }

  @Test
  void serverCertificateNotMatchingTheSdpFingerprintFails() throws Exception {
    DtlsIdentity other = DtlsIdentity.selfSigned("someone-else");
    connect(FAST, FAST, sha256(other), f -> f);
    DtlsFailure failure = clientEvents.awaitFailure();
    assertThat(failure.reason()).isEqualTo(DtlsFailure.Reason.FINGERPRINT_MISMATCH);
    assertThat(failure.message()).contains("server certificate").contains("does not match the SDP fingerprint");
    assertThat(serverEvents.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.PEER_ALERT);
  }

  @Test
  void noCommonProfileFails() throws Exception {
    connect(FAST.withSrtpProfiles(SrtpProfile.AES_CM_128_HMAC_SHA1_80),
        FAST.withSrtpProfiles(SrtpProfile.AEAD_AES_128_GCM), sha256(PEER), f -> f);
    assertThat(clientEvents.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.PEER_ALERT);
    assertThat(serverEvents.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.NO_SRTP_PROFILE);
  }

  @Test
  void lostFlightsAreRetransmitted() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    // drop the first ClientHello and every other datagram after it: BouncyCastle's timers resend
    connect(FAST.withHandshakeTimeout(Duration.ofSeconds(20)), FAST.withHandshakeTimeout(Duration.ofSeconds(20)),
        sha256(PEER), f -> d -> {
          int n = sent.getAndIncrement();
          if (n > 0 && n % 2 == 1) {
            f.accept(d);
          }
        });
    DtlsResult r = clientEvents.result.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r).as("handshake despite losses: " + clientEvents.failure.getNow(null)).isNotNull();
    assertThat(sent.get()).isGreaterThan(2);
  }

  @Test
  void silentServerTimesOutAndTheThreadEnds() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    client = DtlsClientSession.start(US, DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(3)), null,
        d -> sent.incrementAndGet(), clientEvents, clientEvents.threadFactory);
    assertThat(clientEvents.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.TIMEOUT);
    assertThat(sent.get()).as("ClientHello sent and retransmitted").isGreaterThan(1);
    assertThat(client.awaitTermination(Duration.ofSeconds(2))).isTrue();
  }

  @Test
  void garbageFromTheServerNeverThrowsOut() throws Exception {
    Random random = new Random(8);
    client = DtlsClientSession.start(US, DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(3)), null,
        d -> { }, clientEvents, clientEvents.threadFactory);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + random.nextInt(300)];
      random.nextBytes(junk);
      junk[0] = (byte) (20 + random.nextInt(5)); // looks like a DTLS record
      client.onDatagram(junk);
    }
    DtlsFailure failure = clientEvents.awaitFailure();
    assertThat(failure.reason()).isIn(DtlsFailure.Reason.TIMEOUT, DtlsFailure.Reason.PROTOCOL_ERROR);
  }

  @Test
  void closeDuringTheHandshakeEndsPromptly() throws Exception {
    client = DtlsClientSession.start(US, FAST, null, d -> { }, clientEvents, clientEvents.threadFactory);
    client.close();
    assertThat(clientEvents.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.CLOSED);
    await().atMost(Duration.ofSeconds(2)).until(() -> client.awaitTermination(Duration.ZERO));
  }
}
