package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.stun.MessageIntegrity;
import studio.tally.proto.stun.PacketKind;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.XorMappedAddress;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsResult;
import studio.tally.webrtc.dtls.DtlsRole;

/**
 * A real {@link TallyServer} and a test client built from our codecs and BouncyCastle's DTLS client:
 * ICE check → DTLS → SRTP both ways, over UDP and over TCP on the HTTP port.
 */
class RtcTransportEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TallyServer server;
  private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

  private TallyServer start(long consentMs) throws Exception {
    server = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcConsentTimeoutMs(consentMs)
        .withConfigDir(Files.createTempDirectory("tally-rtc-test").toString()), "0.1.0-test");
    return server;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  record Peer(RtcTransport transport, RecordingListener events, RtcTestClient client, IceCredentials creds) {
    String username() {
      return creds.localUfrag() + ":" + creds.remoteUfrag();
    }
  }

  private Peer connect(RtcTestClient client, String remoteUfrag) throws Exception {
    RecordingListener events = new RecordingListener();
    IceCredentials creds = IceCredentials.random(remoteUfrag, "remote-password-unused-0000");
    CertificateFingerprint expected = RtcTestClient.fingerprint();
    RtcTransport t = server.webrtc().createTransport(creds, expected, events);
    closeLater(client);

    StunMessage response = client.check(creds.localUfrag() + ":" + remoteUfrag, creds.localPwd(), true, WAIT);
    assertThat(response).as("binding response").isNotNull();
    assertThat(response.type().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
    InetSocketAddress local = client.localAddress();
    assertThat(response.attribute(XorMappedAddress.class).orElseThrow().address())
        .isEqualTo(new StunAddress(local.getAddress().getAddress(), local.getPort()));
    assertThat(response.attribute(MessageIntegrity.class)).isPresent();
    StunIntegrity.verifyIntegrity(response.toBytes(), StunIntegrity.shortTermKey(creds.localPwd()));
    StunIntegrity.verifyFingerprint(response.toBytes());

    DtlsTestClient dtls = client.handshake();
    assertThat(CertificateFingerprint.compute("sha-256", dtls.serverCertificateDer).hex())
        .isEqualTo(server.webrtc().localFingerprintSha256());
    assertThat(events.connected.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(t);
    assertThat(t.state()).isEqualTo(RtcTransport.State.CONNECTED);
    return new Peer(t, events, client, creds);
  }

  /**
   * As {@link #connect} for a peer that offered {@code a=setup:passive}: the transport is the DTLS
   * client, and its ClientHello must come only after the answer to the peer's first check.
   */
  private Peer connectAsDtlsServer(RtcTestClient client, String remoteUfrag) throws Exception {
    RecordingListener events = new RecordingListener();
    IceCredentials creds = IceCredentials.random(remoteUfrag, "remote-password-unused-0000");
    RtcTransport t = server.webrtc().createTransport(creds, RtcTestClient.fingerprint(), DtlsRole.CLIENT, events);
    closeLater(client);
    assertThat(t.dtlsRole()).isEqualTo(DtlsRole.CLIENT);
    StunMessage response = client.check(creds.localUfrag() + ":" + remoteUfrag, creds.localPwd(), true, WAIT);
    assertThat(response).as("binding response").isNotNull();
    DtlsResult result = client.handshakeAsServer(CertificateFingerprint.of("sha-256",
        server.webrtc().localFingerprintSha256()));
    assertThat(result.peerFingerprintSha256()).as("the server's certificate as client certificate")
        .isEqualTo(server.webrtc().localFingerprintSha256());
    assertThat(client.arrivals.getFirst()).as("the check's answer before our ClientHello")
        .isEqualTo(PacketKind.STUN);
    assertThat(events.connected.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isSameAs(t);
    return new Peer(t, events, client, creds);
  }

  @Test
  void asDtlsClientOverUdpAndTcp() throws Exception {
    start(30_000);
    Peer udp = connectAsDtlsServer(RtcTestClient.udp(server.webrtc().udpAddress()), "act1");
    exchangeMedia(udp, 1);
    exchangeMedia(udp, 2);
    Peer tcp = connectAsDtlsServer(RtcTestClient.tcp(server.boundAddresses().getFirst()), "act2");
    assertThat(tcp.transport.selectedPath()).isInstanceOf(RtcPath.Tcp.class);
    exchangeMedia(tcp, 1);
    assertThat(udp.transport.stats().srtpAuthFailures() + tcp.transport.stats().srtpAuthFailures()).isZero();
  }

  /** Media both ways: RTP and RTCP from the client decrypted by the server, RTP from the server decrypted by the client. */
  private void exchangeMedia(Peer p, int seq) throws Exception {
    byte[] up = RtcTestClient.rtp(seq, 0x1234, ("up " + seq).getBytes());
    p.client.sendRaw(p.client.protectRtp(up));
    assertThat(p.events.rtp.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("decrypted RTP at the server").isEqualTo(up);

    byte[] report = RtcTestClient.rtcp(0x1234);
    p.client.sendRaw(p.client.protectRtcp(report));
    assertThat(p.events.rtcp.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("decrypted RTCP at the server").isEqualTo(report);

    byte[] down = RtcTestClient.rtp(seq, 0x5678, ("down " + seq).getBytes());
    var buf = Unpooled.wrappedBuffer(down);
    p.transport.sendRtp(buf);
    assertThat(buf.readerIndex()).as("sendRtp leaves the caller's buffer alone").isZero();
    assertThat(p.client.awaitRtp(WAIT)).as("decrypted RTP at the client").isEqualTo(down);
    assertThat(p.events.offLoop).as("callbacks on the transport's event loop").isEmpty();
  }

  /**
   * A peer sends its first media the instant its own handshake ends (pion's publisher does), which
   * may be before our DTLS thread has handed the keys to the transport's loop: those packets are kept
   * and received once connected, none lost (a publisher's first packets carry its SPS and PPS).
   * Twenty sessions, to meet the race.
   */
  @Test
  void mediaSentTheMomentTheHandshakeEndsIsReceived() throws Exception {
    start(30_000);
    for (int i = 0; i < 20; i++) {
      RtcTestClient client = RtcTestClient.udp(server.webrtc().udpAddress());
      closeLater(client);
      RecordingListener events = new RecordingListener();
      String ufrag = "early" + i;
      IceCredentials creds = IceCredentials.random(ufrag, "remote-password-unused-0000");
      server.webrtc().createTransport(creds, RtcTestClient.fingerprint(), events);
      assertThat(client.check(creds.localUfrag() + ":" + ufrag, creds.localPwd(), true, WAIT)).isNotNull();
      client.handshake();
      List<byte[]> sent = new ArrayList<>();
      for (int seq = 1; seq <= 3; seq++) {
        byte[] rtp = RtcTestClient.rtp(seq, 0x1234, ("first " + seq).getBytes());
        sent.add(rtp);
        client.sendRaw(client.protectRtp(rtp));
      }
      for (byte[] rtp : sent) {
        assertThat(events.rtp.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("session %d: packet received in order", i)
            .isEqualTo(rtp);
      }
      client.close();
    }
  }

  @Test
  void udpCheckDtlsAndSrtpBothWays() throws Exception {
    start(30_000);
    assertThat(server.webrtc().udpTransport()).as("Linux: media batched through MmsgSender").isEqualTo("sendmmsg");
    udpMediaBothWays();
  }

  /** {@code -Dtally.rtc.udp=epoll}: Netty's own sendmmsg batches carry the same session. */
  @Test
  void udpOverNettyEpollBatches() throws Exception {
    startWithUdp("epoll");
    assertThat(server.webrtc().udpTransport()).isEqualTo("epoll");
    udpMediaBothWays();
  }

  /** The portable socket (macOS, Windows, or {@code -Dtally.rtc.udp=nio}) carries the same session. */
  @Test
  void udpOverNioToo() throws Exception {
    startWithUdp("nio");
    assertThat(server.webrtc().udpTransport()).isEqualTo("nio");
    udpMediaBothWays();
  }

  /** Starts the server with {@code -Dtally.rtc.udp=mode} (read at bind, then cleared). */
  private void startWithUdp(String mode) throws Exception {
    System.setProperty(WebRtcTransportServer.UDP_PROPERTY, mode);
    try {
      start(30_000);
    } finally {
      System.clearProperty(WebRtcTransportServer.UDP_PROPERTY);
    }
  }

  private void udpMediaBothWays() throws Exception {
    Peer p = connect(RtcTestClient.udp(server.webrtc().udpAddress()), "cli1");
    assertThat(p.transport.selectedPath()).isInstanceOf(RtcPath.Udp.class);
    exchangeMedia(p, 1);
    exchangeMedia(p, 2);
    // counted on the transport's loop just after the write was handed to the socket: may trail the client
    await().atMost(WAIT).until(() -> p.transport.stats().packetsOut() == 2);
    RtcTransport.Stats s = p.transport.stats();
    assertThat(s.packetsIn()).isEqualTo(4);
    assertThat(s.srtpAuthFailures()).isZero();
    assertThat(server.counters()).containsEntry("rtc_stun_success", 1L);

    p.transport.close();
    assertThat(p.events.closed.get(5, TimeUnit.SECONDS)).isEqualTo("closed");
    assertThat(server.webrtc().transportCount()).isZero();
    // after close the address is unbound: SRTP from it is now an unknown source
    p.client.sendRaw(p.client.protectRtp(RtcTestClient.rtp(9, 0x1234, new byte[10])));
    await().atMost(WAIT).until(() -> server.webrtc().counters().unknownSource.sum() == 1);
  }

  @Test
  void tcpOnTheHttpPortWhileHttpKeepsWorking() throws Exception {
    start(30_000);
    int port = server.boundAddresses().getFirst().getPort();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThat(versions(http, port)).as("before").contains("\"version\"");
    try (Socket silent = new Socket("127.0.0.1", port)) { // says nothing: must not delay anyone
      long t0 = System.nanoTime();
      assertThat(versions(http, port)).as("with a silent client open").contains("\"version\"");
      assertThat(System.nanoTime() - t0).as("not held up by the silent client").isLessThan(TimeUnit.SECONDS.toNanos(3));

      Peer p = connect(RtcTestClient.tcp(new InetSocketAddress("127.0.0.1", port)), "tcp1");
      assertThat(p.transport.selectedPath()).isInstanceOf(RtcPath.Tcp.class);
      assertThat(versions(http, port)).as("during").contains("\"version\"");
      exchangeMedia(p, 1);
      assertThat(versions(http, port)).as("during, after media").contains("\"version\"");
      exchangeMedia(p, 2);

      p.client.close(); // the only path goes away
      assertThat(p.events.closed.get(5, TimeUnit.SECONDS)).isEqualTo("tcp path closed");
      assertThat(silent.isConnected()).isTrue();
    }
    assertThat(versions(http, port)).as("after").contains("\"version\"");
    assertThat(server.counters()).containsEntry("sniffed_stun_tcp", 1L);
  }

  @Test
  void aNominatedTcpPathTakesOverAndWhenItClosesUdpCarriesOn() throws Exception {
    start(30_000);
    Peer p = connect(RtcTestClient.udp(server.webrtc().udpAddress()), "both");
    int port = server.boundAddresses().getFirst().getPort();
    RtcTestClient tcp = closeLater(RtcTestClient.tcp(new InetSocketAddress("127.0.0.1", port)));
    assertThat(tcp.check(p.username(), p.creds.localPwd(), true, WAIT).type().messageClass())
        .isEqualTo(StunClass.SUCCESS_RESPONSE);
    await().atMost(WAIT).until(() -> p.transport.selectedPath() instanceof RtcPath.Tcp);
    p.transport.sendRtp(Unpooled.wrappedBuffer(RtcTestClient.rtp(1, 0x5678, new byte[20])));
    assertThat(tcp.srtp.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("SRTP now goes out on TCP").isNotNull();

    tcp.close();
    await().atMost(WAIT).until(() -> p.transport.selectedPath() instanceof RtcPath.Udp);
    assertThat(p.transport.state()).isEqualTo(RtcTransport.State.CONNECTED);
    // the client's SRTP receive context saw no packet 1 (it went to the TCP socket): index 2 is fine
    exchangeMedia(p, 2);
    assertThat(p.events.closed).isNotDone();
  }

  @Test
  void consentExpiresWhenTheClientStopsChecking() throws Exception {
    start(1_000);
    Peer p = connect(RtcTestClient.udp(server.webrtc().udpAddress()), "cons");
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_000);
    long lastCheck = 0;
    while (System.nanoTime() < until) { // checks every 300 ms keep it alive past the 1 s timeout
      lastCheck = System.nanoTime();
      assertThat(p.client.check(p.username(), p.creds.localPwd(), false, WAIT)).isNotNull();
      Thread.sleep(300);
    }
    assertThat(p.transport.state()).isEqualTo(RtcTransport.State.CONNECTED);
    exchangeMedia(p, 1);
    assertThat(p.events.closed.get(5, TimeUnit.SECONDS)).isEqualTo("consent expired");
    assertThat(System.nanoTime() - lastCheck).as("not before the timeout").isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(server.webrtc().counters().consentExpired.sum()).isEqualTo(1);
    assertThat(p.events.closeCalls.get()).isEqualTo(1);

    // a TCP connection whose framed check bound it to nothing is closed after the same timeout
    int port = server.boundAddresses().getFirst().getPort();
    RtcTestClient stray = closeLater(RtcTestClient.tcp(new InetSocketAddress("127.0.0.1", port)));
    assertThat(stray.check("nobody:none", "whatever-whatever-whatever", true, Duration.ofMillis(200))).isNull();
    await().atMost(WAIT).until(() -> stray.eof);
    assertThat(server.webrtc().counters().tcpUnbound.sum()).isEqualTo(1);
  }

  /**
   * An ice-lite server must not drop a peer that keeps sending media without checks (pion and GStreamer
   * stop checking once media flows): authenticated SRTP and SRTCP are consent; forged ones are not.
   */
  @Test
  void authenticatedMediaWithoutChecksKeepsConsentAndForgedMediaDoesNot() throws Exception {
    start(1_000);
    Peer p = connect(RtcTestClient.udp(server.webrtc().udpAddress()), "nost");
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
    int seq = 1;
    while (System.nanoTime() < until) { // RTP and RTCP every 250 ms, no STUN, for 2.5 consent timeouts
      p.client.sendRaw(p.client.protectRtp(RtcTestClient.rtp(seq++, 0x1234, new byte[20])));
      if (seq % 2 == 0) {
        p.client.sendRaw(p.client.protectRtcp(RtcTestClient.rtcp(0x1234)));
      }
      Thread.sleep(250); // a sender's cadence, not a wait for a condition
    }
    assertThat(p.events.closed).as("alive on media alone").isNotDone();
    assertThat(p.transport.state()).isEqualTo(RtcTransport.State.CONNECTED);

    // only SRTCP now: still alive
    until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
    long lastValid = 0;
    while (System.nanoTime() < until) {
      lastValid = System.nanoTime();
      p.client.sendRaw(p.client.protectRtcp(RtcTestClient.rtcp(0x1234)));
      Thread.sleep(250);
    }
    assertThat(p.events.closed).as("alive on RTCP alone").isNotDone();

    // packets that fail authentication are not consent: the session ends after the timeout
    long forgedUntil = lastValid + TimeUnit.MILLISECONDS.toNanos(2_500);
    while (System.nanoTime() < forgedUntil && !p.events.closed.isDone()) {
      byte[] forged = p.client.protectRtp(RtcTestClient.rtp(seq++, 0x1234, new byte[20]));
      forged[forged.length - 1] ^= 1;
      p.client.sendRaw(forged);
      Thread.sleep(100);
    }
    assertThat(p.events.closed.get(5, TimeUnit.SECONDS)).isEqualTo("consent expired");
    assertThat(System.nanoTime() - lastValid).as("not before the timeout")
        .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(p.transport.stats().srtpAuthFailures()).isPositive();
  }

  @Test
  void badInputIsDroppedAndCountedAndDisturbsNoSession() throws Exception {
    start(30_000);
    RtcCounters c = server.webrtc().counters();
    Peer a = connect(RtcTestClient.udp(server.webrtc().udpAddress()), "good");
    exchangeMedia(a, 1);
    RtcTestClient b = closeLater(RtcTestClient.udp(server.webrtc().udpAddress()));
    Duration quiet = Duration.ofMillis(300);

    // malformed STUN: an attribute running past the message; and a STUN first byte without the cookie
    byte[] overrun = new byte[24];
    overrun[1] = 0x01;
    overrun[3] = 0x04;
    java.nio.ByteBuffer.wrap(overrun).putInt(4, StunMessage.MAGIC_COOKIE).putShort(20, (short) 0x0006).putShort(22, (short) 8);
    b.sendRaw(overrun);
    b.sendRaw(new byte[] {0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    await().atMost(WAIT).until(() -> c.stunMalformed.sum() == 2);

    // unknown username: silently dropped
    assertThat(b.check("nobody:good", a.creds.localPwd(), true, quiet)).isNull();
    await().atMost(WAIT).until(() -> c.stunUnknownUsername.sum() == 1);

    // wrong password: 401 without MESSAGE-INTEGRITY
    StunMessage unauthorized = b.check(a.username(), "wrong-password-wrong-password", true, WAIT);
    assertThat(unauthorized.type().messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
    assertThat(unauthorized.attribute(studio.tally.proto.stun.ErrorCode.class).orElseThrow().code()).isEqualTo(401);
    assertThat(unauthorized.attribute(MessageIntegrity.class)).isEmpty();
    assertThat(c.stunUnauthorized.sum()).isEqualTo(1);

    // no MESSAGE-INTEGRITY: 400
    byte[] noIntegrity = StunMessage.builder(studio.tally.proto.stun.StunMessageType.BINDING_REQUEST,
        StunMessage.newTransactionId(new java.util.Random())).add(new studio.tally.proto.stun.Username(a.username()))
        .fingerprint().toBytes();
    assertThat(b.exchange(noIntegrity, WAIT).attribute(studio.tally.proto.stun.ErrorCode.class).orElseThrow().code())
        .isEqualTo(400);
    // ICE-CONTROLLED from the peer: an ice-lite agent cannot take the controlling role: 487, with integrity
    byte[] controlled = StunMessage.builder(studio.tally.proto.stun.StunMessageType.BINDING_REQUEST,
        StunMessage.newTransactionId(new java.util.Random())).add(new studio.tally.proto.stun.Username(a.username()))
        .add(new studio.tally.proto.stun.IceControlled(7)).messageIntegrity(StunIntegrity.shortTermKey(a.creds.localPwd()))
        .fingerprint().toBytes();
    StunMessage conflict = b.exchange(controlled, WAIT);
    assertThat(conflict.attribute(studio.tally.proto.stun.ErrorCode.class).orElseThrow().code()).isEqualTo(487);
    StunIntegrity.verifyIntegrity(conflict.toBytes(), StunIntegrity.shortTermKey(a.creds.localPwd()));

    // DTLS and SRTP from a source that passed no check; a packet no protocol claims
    byte[] dtlsGarbage = new byte[60];
    new java.util.Random(1).nextBytes(dtlsGarbage);
    dtlsGarbage[0] = 22;
    b.sendRaw(dtlsGarbage);
    b.sendRaw(RtcTestClient.rtp(1, 0x1234, new byte[40]));
    b.sendRaw(new byte[] {(byte) 0xF0, 1, 2, 3});
    await().atMost(WAIT).until(() -> c.unknownSource.sum() == 2 && c.unknownKind.sum() == 1);

    // from the bound address: DTLS garbage goes to the DTLS session (which discards it) ...
    long queued = a.transport.dtlsStats().datagramsQueued();
    a.client.sendRaw(dtlsGarbage);
    await().atMost(WAIT).until(() -> a.transport.dtlsStats().datagramsQueued() == queued + 1);
    // ... and SRTP with a bad tag is an authentication failure, counted and dropped
    byte[] bad = a.client.protectRtp(RtcTestClient.rtp(50, 0x1234, "tampered".getBytes()));
    bad[bad.length - 1] ^= 1;
    a.client.sendRaw(bad);
    await().atMost(WAIT).until(() -> a.transport.stats().srtpAuthFailures() == 1);
    assertThat(a.events.rtp).isEmpty();

    // TCP: a frame above the limit after a framed check closes that connection, nothing else
    int port = server.boundAddresses().getFirst().getPort();
    RtcTestClient t = closeLater(RtcTestClient.tcp(new InetSocketAddress("127.0.0.1", port)));
    assertThat(t.check("nobody:tcp", "whatever-whatever-whatever", true, quiet)).isNull();
    await().atMost(WAIT).until(() -> c.stunUnknownUsername.sum() == 2);
    t.sendRaw(new byte[] {(byte) 0xF0, 0, 0, 0}); // a frame nobody claims
    await().atMost(WAIT).until(() -> c.unknownKind.sum() == 2);
    byte[] huge = new byte[2 + 8192];
    huge[0] = (byte) 0xFF;
    huge[1] = (byte) 0xFF;
    try {
      t.sendTcpBytes(huge);
    } catch (java.io.IOException closedAlready) {
      // the server may close before all of it is written
    }
    await().atMost(WAIT).until(() -> t.eof);
    assertThat(c.tcpOversizedFrame.sum()).isEqualTo(1);
    // a connection that opens with a 0xFFFF-length frame is not STUN to the sniffer: refused and counted
    long rejected = server.sniffStats().rejected.sum();
    try (Socket raw = new Socket("127.0.0.1", port)) {
      raw.getOutputStream().write(huge);
      raw.setSoTimeout(5000);
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    } catch (java.net.SocketException reset) {
      // closed while we were still writing: also a refusal
    }
    await().atMost(WAIT).until(() -> server.sniffStats().rejected.sum() == rejected + 1);

    // the good session never noticed
    exchangeMedia(a, 51);
    assertThat(a.transport.state()).isEqualTo(RtcTransport.State.CONNECTED);
    assertThat(a.events.closed).isNotDone();
    assertThat(server.webrtc().transportCount()).isEqualTo(1);
    assertThat(a.transport.stats().srtpAuthFailures()).isEqualTo(1);
  }

  static String versions(HttpClient http, int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/versions"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
