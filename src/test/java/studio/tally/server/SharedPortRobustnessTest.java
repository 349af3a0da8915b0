package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.net.Protocol;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerReaper;

/**
 * Silent and half-open clients on the shared port must not delay anyone else (the sniffer runs off
 * the accept path with a timeout), and are closed and counted once the sniff timeout passes. Plain
 * HTTP keeps working while TLS clients hang (SRS #4123 handed plain HTTP to the HTTPS path).
 */
@ExtendWith(PeerReaper.class)
class SharedPortRobustnessTest {
  /** Sniff timeout long enough that silent clients are certainly still open while others are served. */
  private static ServerFixture patient;
  /** Sniff timeout of 1 s: silent clients are closed quickly. */
  private static ServerFixture strict;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeAll
  static void startServers() {
    patient = ServerFixture.start(c -> c.withSniffTimeoutMs(60_000));
    strict = ServerFixture.start(c -> c.withSniffTimeoutMs(1000));
  }

  @AfterAll
  static void stopServers() {
    if (patient != null) {
      patient.close();
    }
    if (strict != null) {
      strict.close();
    }
  }

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  @Test
  void fiftySilentClientsDelayNeitherApiNorRtmpNorFlv() throws Exception {
    List<Socket> silent = silentClients(patient, 50);
    long t0 = System.nanoTime();
    RawHttp.Response versions = RawHttp.get(patient.port, false, "/api/v1/versions");
    System.out.printf("API answered in %.1f ms with 50 silent clients open%n", (System.nanoTime() - t0) / 1e6);
    assertThat(versions.status()).isEqualTo(200);
    assertThat(RawHttp.get(patient.port, true, "/api/v1/summaries").status()).isEqualTo(200);

    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(patient.rtmp("live/quiet"),
        Duration.ofSeconds(30), 640, 360, 30, 30);
        FlvPull player = awaitPlayer(patient, "quiet")) {
      await().atMost(Duration.ofSeconds(15)).until(() -> player.keyframes.get() >= 2);
      assertThat(player.error()).as(player.toString()).isNull();
      assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
    }
    // all of that happened while the silent clients were still connected and unclassified
    for (Socket s : silent) {
      assertThat(isOpen(s)).as("silent client still open (sniff timeout 60 s)").isTrue();
    }
  }

  @Test
  void silentClientsAreClosedAfterTheSniffTimeoutAndCounted() throws Exception {
    long before = strict.server.sniffStats().timedOut.sum();
    List<Socket> silent = silentClients(strict, 50);
    await().atMost(Duration.ofSeconds(15)).until(() -> silent.stream().noneMatch(SharedPortRobustnessTest::isOpen));
    await().atMost(Duration.ofSeconds(5)).until(() -> strict.server.sniffStats().timedOut.sum() - before >= 50);
    assertThat(strict.api("/api/v1/summaries").get("data").get("tally").get("sniff_timed_out").asLong())
        .isGreaterThanOrEqualTo(before + 50);
  }

  @Test
  void tlsClientsThatStallAreClosedAndCounted() throws Exception {
    var stats = strict.server.sniffStats();
    long timedOut = stats.timedOut.sum();
    long tlsFailed = stats.tlsFailed.sum();
    long tlsMatched = stats.matchedCount(Protocol.TLS);

    // a TLS client whose ClientHello never comes after the TCP connect: just silent
    Socket noHello = connect(strict);
    // a ClientHello record header that promises 512 bytes and stops after 5 + 3
    Socket halfHello = connect(strict);
    halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
    // a complete TLS handshake, then not a byte of application data
    SSLSocket handshaken = TrustAll.socket(strict.port);
    sockets.add(handshaken);
    handshaken.startHandshake();

    await().atMost(Duration.ofSeconds(15)).until(() -> !isOpen(noHello) && !isOpen(halfHello) && !isOpen(handshaken));
    await().atMost(Duration.ofSeconds(5)).until(() -> stats.timedOut.sum() - timedOut >= 2
        && stats.tlsFailed.sum() - tlsFailed >= 1);
    assertThat(stats.matchedCount(Protocol.TLS) - tlsMatched).as("two TLS clients sniffed").isEqualTo(2);
    assertThat(strict.api("/api/v1/versions").get("code").asInt()).isZero();
  }

  @Test
  void httpHttpsRtmpAndRtmpsInterleavedWhileTlsClientsHang() throws Exception {
    // hanging TLS clients of every kind, held open through the whole test
    List<Socket> hung = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Socket half = connect(patient);
      half.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
      hung.add(half);
      SSLSocket quiet = TrustAll.socket(patient.port);
      sockets.add(quiet);
      quiet.startHandshake();
      hung.add(quiet);
      hung.add(connect(patient));
    }
    long httpBefore = patient.server.sniffStats().matchedCount(Protocol.HTTP);
    try (FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(patient.rtmps("live/mix"),
        Duration.ofSeconds(40), 640, 360, 30, 30)) {
      patient.awaitLive("live", "mix");
      for (int round = 0; round < 2; round++) {
        assertThat(RawHttp.get(patient.port, false, "/api/v1/streams").status()).isEqualTo(200);
        assertThat(RawHttp.get(patient.port, true, "/api/v1/streams").status()).isEqualTo(200);
        assertThat(Ffprobe.bundled().probe(patient.rtmp("live/mix")).video()).isPresent();
        assertThat(RawHttp.get(patient.port, false, "/").body()).contains("Tally");
        assertThat(Ffprobe.bundled().probe(patient.rtmps("live/mix")).video()).isPresent();
        for (boolean tls : new boolean[] {false, true, false}) {
          try (FlvPull p = FlvPull.open(patient.port, tls, "/live/mix.flv")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> p.keyframes.get() >= 1 || p.error() != null);
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.error()).as(p.toString()).isNull();
          }
        }
        assertThat(Ffprobe.debian().probe(patient.https("live/mix.flv")).video()).isPresent();
        assertThat(Ffprobe.debian().probe(patient.http("live/mix.flv")).video()).isPresent();
      }
      assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
    }
    assertThat(patient.server.sniffStats().matchedCount(Protocol.HTTP) - httpBefore)
        .as("plain HTTP connections were sniffed as HTTP, not handed to TLS").isGreaterThanOrEqualTo(2 * 5);
    for (Socket s : hung) {
      assertThat(isOpen(s)).as("hung TLS/TCP client is still open: the others were served alongside").isTrue();
    }
  }

  private static FlvPull awaitPlayer(ServerFixture f, String name) {
    f.awaitLive("live", name);
    return FlvPull.open(f.port, false, "/live/" + name + ".flv");
  }

  private List<Socket> silentClients(ServerFixture f, int n) throws IOException {
    List<Socket> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(connect(f));
    }
    return out;
  }

  private Socket connect(ServerFixture f) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", f.port), 5000);
    return s;
  }

  /** True while the server keeps the connection open (a read times out instead of ending). */
  static boolean isOpen(Socket s) {
    try {
      s.setSoTimeout(20);
      return s.getInputStream().read() >= 0;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
