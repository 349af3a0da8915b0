package studio.tally.webrtc.dtls;

import studio.tally.proto.srtp.SrtpProfile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import studio.tally.server.tls.ServerCertificate;

/** The session against BouncyCastle's own DTLS client, in memory: fast, and every datagram is ours to break. */
class DtlsServerSessionTest {

  private static final DtlsIdentity SERVER = DtlsIdentity.selfSigned("tally-test-server");
  private static final DtlsIdentity CLIENT = DtlsIdentity.selfSigned("tally-test-client");
  private static final int[] BOTH = {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
      SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM};
  private static final DtlsConfig FAST = DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(5));

  private final SessionHarness harness = new SessionHarness();
  private DtlsServerSession session;
  private CompletableFuture<DTLSTransport> clientDone;
  private final AtomicReference<byte[]> firstServerDatagram = new AtomicReference<>();

  @AfterEach
  void closeAndCheckThreads() throws Exception {
    if (session != null) {
      session.close();
      assertThat(session.awaitTermination(Duration.ofSeconds(2))).as("session thread ended").isTrue();
      assertThat(harness.threadsEnded(Duration.ofSeconds(1))).isTrue();
      assertThat(harness.outcomes.get()).as("exactly one outcome").isEqualTo(1);
    }
  }

  /** Starts a session and a BC client wired to it; {@code filter} sits on the client → server path. */
  private BcDtlsClient connect(DtlsConfig config, CertificateFingerprint expected, DtlsIdentity clientId,
      int[] profiles, java.util.function.Function<Consumer<byte[]>, Consumer<byte[]>> filter) {
    AtomicReference<BcDtlsClient> client = new AtomicReference<>();
    session = DtlsServerSession.start(SERVER, config, expected, d -> {
      firstServerDatagram.compareAndSet(null, d);
      client.get().deliver(d);
    }, harness, harness.threadFactory);
    BcDtlsClient c = new BcDtlsClient(clientId, profiles, filter.apply(session::onDatagram));
    client.set(c);
    clientDone = CompletableFuture.supplyAsync(() -> {
      try {
        return c.connect(5_000);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, r -> Thread.ofVirtual().start(r));
    return c;
  }

  private BcDtlsClient connect(DtlsConfig config, int[] profiles) {
    return connect(config, null, CLIENT, profiles, f -> f);
  }

  @Test
  void handshakePrefersGcmAndExportsTheClientsKeyingMaterial() throws Exception {
    BcDtlsClient client = connect(FAST, BOTH); // client lists CM first; the server's preference wins
    DtlsResult result = harness.awaitResult();
    clientDone.get(5, TimeUnit.SECONDS);

    assertThat(result.srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    assertThat(client.negotiatedSrtpProfile()).isEqualTo(0x0007);
    assertThat(result.keyingMaterial()).hasSize(56)
        .isEqualTo(client.exportSrtpKeyingMaterial(56));
    assertThat(result.peerFingerprintSha256()).isEqualTo(CLIENT.sha256Fingerprint());
    assertThat(client.serverCertificateDer()).isEqualTo(SERVER.leaf().getEncoded());
    assertThat(result.cipherSuite()).isEqualTo(0xC02B); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    assertThat(session.isEstablished()).isTrue();
    // no HelloVerifyRequest (3) round trip: the first flight is ServerHello (2) in an epoch-0 handshake record
    assertThat(firstServerDatagram.get()[0]).isEqualTo((byte) 22);
    assertThat(firstServerDatagram.get()[13]).isEqualTo((byte) 2);
    assertThat(result.toString()).doesNotContain(java.util.HexFormat.of().formatHex(result.keyingMaterial()));
  }

  @ParameterizedTest
  @EnumSource(value = SrtpProfile.class, names = {"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"}) // what DtlsConfig.DEFAULT offers
  void eachProfileAlone(SrtpProfile profile) throws Exception {
    BcDtlsClient client = connect(FAST, new int[] {profile.id()});
    DtlsResult result = harness.awaitResult();
    clientDone.get(5, TimeUnit.SECONDS);
    assertThat(result.srtpProfile()).isEqualTo(profile);
    assertThat(result.keyingMaterial()).hasSize(profile.keyingMaterialLength())
        .isEqualTo(client.exportSrtpKeyingMaterial(profile.keyingMaterialLength()));
  }

  @Test
  void serverPreferenceIsConfigurable() throws Exception {
    DtlsConfig cmFirst = FAST.withSrtpProfiles(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM);
    BcDtlsClient client = connect(cmFirst, new int[] {0x0007, 0x0001});
    DtlsResult result = harness.awaitResult();
    clientDone.get(5, TimeUnit.SECONDS);
    assertThat(result.srtpProfile()).isEqualTo(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    assertThat(result.keyingMaterial()).hasSize(60).isEqualTo(client.exportSrtpKeyingMaterial(60));
  }

  @Test
  void verifiesThePeerFingerprintWithEveryHashSdpUses() throws Exception {
    connect(FAST, BOTH);
    DtlsResult result = harness.awaitResult();
    byte[] der = CLIENT.leaf().getEncoded();
    for (String hash : new String[] {"sha-1", "sha-224", "sha-256", "sha-384", "sha-512"}) {
      CertificateFingerprint fp = CertificateFingerprint.compute(hash, der);
      assertThat(result.verifyPeerFingerprint(hash, fp.hex())).as(hash).isTrue();
      assertThat(result.verifyPeerFingerprint(hash.toUpperCase(), fp.hex().replace(":", "").toLowerCase())).isTrue();
    }
    String other = DtlsIdentity.selfSigned("someone else").sha256Fingerprint();
    assertThat(result.verifyPeerFingerprint("sha-256", other)).isFalse();
    assertThat(result.verifyPeerFingerprint("md5", "00:11")).isFalse();
    assertThat(result.verifyPeerFingerprint("sha-256", "not hex")).isFalse();
    assertThat(result.verifyPeerFingerprint("sha-256", CLIENT.sha256Fingerprint().substring(3))).isFalse();
  }

  @Test
  void pinnedFingerprintAcceptsTheRightClient() throws Exception {
    connect(FAST, CertificateFingerprint.parse("sha-256 " + CLIENT.sha256Fingerprint()), CLIENT, BOTH, f -> f);
    assertThat(harness.awaitResult().peerFingerprintSha256()).isEqualTo(CLIENT.sha256Fingerprint());
  }

  @Test
  void pinnedFingerprintRejectsAnotherClient() throws Exception {
    CertificateFingerprint someoneElse = CertificateFingerprint.parse("sha-256 " + SERVER.sha256Fingerprint());
    connect(FAST, someoneElse, CLIENT, BOTH, f -> f);
    DtlsFailure failure = harness.awaitFailure();
    assertThat(failure.reason()).isEqualTo(DtlsFailure.Reason.FINGERPRINT_MISMATCH);
    assertThat(failure.message()).contains(CLIENT.sha256Fingerprint());
    assertThatThrownBy(() -> clientDone.get(5, TimeUnit.SECONDS)).hasMessageContaining("bad_certificate");
  }

  @Test
  void clientWithoutCertificateFails() throws Exception {
    connect(FAST, null, null, BOTH, f -> f);
    assertThat(harness.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.NO_CLIENT_CERTIFICATE);
    assertThatThrownBy(() -> clientDone.get(5, TimeUnit.SECONDS)).hasMessageContaining("handshake_failure");
  }

  @Test
  void clientWithoutUseSrtpFails() throws Exception {
    connect(FAST, null);
    DtlsFailure failure = harness.awaitFailure();
    assertThat(failure.reason()).isEqualTo(DtlsFailure.Reason.NO_SRTP_PROFILE);
    assertThat(failure.message()).contains("no use_srtp");
  }

  @Test
  void clientWithOnlyUnsupportedProfilesFails() throws Exception {
    connect(FAST, new int[] {SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32});
    DtlsFailure failure = harness.awaitFailure();
    assertThat(failure.reason()).isEqualTo(DtlsFailure.Reason.NO_SRTP_PROFILE);
    assertThat(failure.message()).contains("0x0002");
  }

  @Test
  void garbageIsIgnoredAndTheHandshakeTimesOut() throws Exception {
    session = DtlsServerSession.start(SERVER, FAST.withHandshakeTimeout(Duration.ofMillis(500)), null, d -> { },
        harness, harness.threadFactory);
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      byte[] d = new byte[random.nextInt(0, 1400)];
      random.nextBytes(d);
      if (d.length > 0 && i % 2 == 0) {
        d[0] = (byte) random.nextInt(20, 64); // looks like DTLS to the RFC 7983 demux
      }
      if (d.length > 13 && i % 4 == 0) {
        d[0] = 22; // handshake record, DTLS 1.0/1.2 version, epoch 0: reaches BC's record parser
        d[1] = (byte) 0xFE;
        d[2] = (byte) (i % 8 == 0 ? 0xFF : 0xFD);
        d[3] = 0;
        d[4] = 0;
      }
      session.onDatagram(d);
    }
    long start = System.nanoTime();
    DtlsFailure failure = harness.awaitFailure();
    assertThat(failure.reason()).isIn(DtlsFailure.Reason.TIMEOUT, DtlsFailure.Reason.PROTOCOL_ERROR);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(session.stats().droppedNotDtls()).isPositive();
  }

  @Test
  void truncatedClientHellosNeverThrowOut() throws Exception {
    AtomicReference<byte[]> clientHello = new AtomicReference<>();
    // capture the client's first datagram without delivering it
    connect(FAST.withHandshakeTimeout(Duration.ofMillis(700)), null, CLIENT, BOTH,
        to -> d -> clientHello.compareAndSet(null, d));
    org.awaitility.Awaitility.await("the client's first datagram").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5)).until(() -> clientHello.get() != null);
    byte[] hello = clientHello.get();
    for (int len = 1; len < hello.length; len++) {
      session.onDatagram(hello, 0, len);
    }
    DtlsFailure failure = harness.awaitFailure();
    assertThat(failure.reason()).isIn(DtlsFailure.Reason.TIMEOUT, DtlsFailure.Reason.PROTOCOL_ERROR);
  }

  @Test
  void garbageBetweenRealDatagramsDoesNotStopTheHandshake() throws Exception {
    Random random = new Random(7);
    connect(FAST, null, CLIENT, BOTH, to -> d -> {
      byte[] junk = new byte[random.nextInt(1, 200)];
      random.nextBytes(junk);
      junk[0] = 23; // application data type with a random header: BC must drop it
      to.accept(junk);
      to.accept(d);
    });
    assertThat(harness.awaitResult().srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
  }

  @Test
  void clientSilentAfterClientHelloTimesOut() throws Exception {
    AtomicInteger sent = new AtomicInteger();
    connect(FAST.withHandshakeTimeout(Duration.ofSeconds(1)), null, CLIENT, BOTH,
        to -> d -> {
          if (sent.getAndIncrement() == 0) {
            to.accept(d);
          }
        });
    long start = System.nanoTime();
    DtlsFailure failure = harness.awaitFailure();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(failure.reason()).isEqualTo(DtlsFailure.Reason.TIMEOUT);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(session.awaitTermination(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void closeDuringTheHandshakeEndsTheThreadPromptly() throws Exception {
    session = DtlsServerSession.start(SERVER, DtlsConfig.DEFAULT, null, d -> { }, harness, harness.threadFactory);
    Thread.sleep(50);
    long start = System.nanoTime();
    Thread.ofPlatform().start(session::close).join();
    assertThat(session.awaitTermination(Duration.ofSeconds(1))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    assertThat(harness.awaitFailure().reason()).isEqualTo(DtlsFailure.Reason.CLOSED);
    session.onDatagram(new byte[] {22, 1, 2});
    assertThat(session.stats().droppedAfterClose()).isEqualTo(1);
  }

  @Test
  void closeAfterTheHandshakeSendsCloseNotify() throws Exception {
    BcDtlsClient bc = connect(FAST, BOTH);
    harness.awaitResult();
    DTLSTransport client = clientDone.get(5, TimeUnit.SECONDS);
    long start = System.nanoTime();
    session.close();
    assertThat(session.awaitTermination(Duration.ofSeconds(1))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    byte[] buf = new byte[2048];
    try {
      assertThat(client.receive(buf, 0, buf.length, 200)).isEqualTo(-1);
    } catch (java.io.IOException e) {
      // BC may also report the closed connection as an exception
    }
    assertThat(bc.closeNotifyReceived()).isTrue();
    assertThat(session.isEstablished()).isFalse();
  }

  @Test
  void applicationDataAfterTheHandshakeIsDroppedAndCountedAndProvesLiveness() throws Exception {
    connect(FAST, BOTH);
    harness.awaitResult();
    DTLSTransport client = clientDone.get(5, TimeUnit.SECONDS);
    client.send(new byte[] {1, 2, 3, 4}, 0, 4);
    client.send(new byte[100], 0, 100);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> session.stats().droppedApplicationData() == 2);
    assertThat(harness.authenticatedRecords).as("authenticated records keep consent fresh").hasValue(2);
    // a forged application-data record (right header, garbage instead of the MAC'd payload) proves nothing
    byte[] forged = new byte[40];
    forged[0] = 23;
    forged[1] = (byte) 0xFE;
    forged[2] = (byte) 0xFD;
    forged[4] = 1; // epoch 1
    forged[12] = 27;
    session.onDatagram(forged);
    client.send(new byte[] {9}, 0, 1);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> session.stats().droppedApplicationData() == 3);
    assertThat(harness.authenticatedRecords).hasValue(3);
    assertThat(session.isEstablished()).isTrue();
  }

  @Test
  void anIdleEstablishedSessionWaitsOutsideBouncyCastlesReceive() throws Exception {
    // parked inside BouncyCastle's receive, each connected peer's thread held two 16 KiB record buffers for life
    connect(FAST, BOTH);
    harness.awaitResult();
    DTLSTransport client = clientDone.get(5, TimeUnit.SECONDS);
    Thread thread = harness.threads.getFirst();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> parkedIn(thread, "awaitDatagram"));
    assertThat(frames(thread)).as("idle: nothing of BouncyCastle on the stack")
        .noneMatch(f -> f.getClassName().startsWith("org.bouncycastle"));
    // and records still reach BouncyCastle: application data is authenticated and counted
    client.send(new byte[] {7}, 0, 1);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> session.stats().droppedApplicationData() == 1);
    assertThat(harness.authenticatedRecords).hasValue(1);
  }

  private static java.util.List<StackTraceElement> frames(Thread t) {
    return java.util.List.of(t.getStackTrace());
  }

  private static boolean parkedIn(Thread t, String method) {
    return t.getState() != Thread.State.RUNNABLE && frames(t).stream().anyMatch(f -> f.getMethodName().equals(method));
  }

  @Test
  void peerCloseNotifyIsReported() throws Exception {
    connect(FAST, BOTH);
    harness.awaitResult();
    clientDone.get(5, TimeUnit.SECONDS).close();
    assertThat(harness.closedByPeer.await(3, TimeUnit.SECONDS)).isTrue();
    assertThat(session.awaitTermination(Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void byteBufInputIsCopiedNotReleased() throws Exception {
    AtomicReference<ByteBuf> last = new AtomicReference<>();
    connect(FAST, null, CLIENT, BOTH, to -> d -> {
      ByteBuf buf = Unpooled.buffer(d.length + 8).writeZero(3).writeBytes(d);
      buf.skipBytes(3);
      session.onDatagram(buf);
      assertThat(buf.refCnt()).isEqualTo(1);
      assertThat(buf.readableBytes()).isEqualTo(d.length);
      buf.setZero(3, d.length); // the session must not see this
      buf.release();
      last.set(buf);
    });
    assertThat(harness.awaitResult().keyingMaterial()).hasSize(56);
    assertThat(last.get().refCnt()).isZero();
  }

  @Test
  void nonDtlsAndOversizeDatagramsAreCountedNotQueued() throws Exception {
    session = DtlsServerSession.start(SERVER, FAST, null, d -> { }, harness, harness.threadFactory);
    session.onDatagram(new byte[] {0x00, 0x01, 0x00, 0x00}); // STUN
    session.onDatagram(new byte[] {(byte) 0x80, 0x60});        // RTP
    session.onDatagram(new byte[0]);
    session.onDatagram(new byte[DtlsConfig.DEFAULT.maxDatagramSize() + 1]);
    byte[] big = new byte[DtlsConfig.DEFAULT.maxDatagramSize() + 1];
    big[0] = 22;
    session.onDatagram(big);
    DtlsServerSession.Stats stats = session.stats();
    assertThat(stats.droppedNotDtls()).isEqualTo(4);
    assertThat(stats.droppedOversize()).isEqualTo(1);
    assertThat(stats.datagramsQueued()).isZero();
  }

  @Test
  void aFullQueueDropsInsteadOfBlocking() throws Exception {
    DtlsConfig tiny = new DtlsConfig(Duration.ofMillis(500), DtlsConfig.DEFAULT.srtpProfiles(), 1200, 2048, 1);
    session = DtlsServerSession.start(SERVER, tiny, null, d -> { }, harness, harness.threadFactory);
    byte[] junk = new byte[100];
    junk[0] = 22;
    for (int i = 0; i < 10_000; i++) {
      session.onDatagram(junk);
    }
    DtlsServerSession.Stats stats = session.stats();
    assertThat(stats.datagramsQueued() + stats.droppedQueueFull()).isEqualTo(10_000);
    assertThat(stats.droppedQueueFull()).isPositive();
    harness.awaitFailure();
  }
}
