package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpMessageType;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerReaper;

/**
 * Hostile and broken input on the shared port: every case ends in a closed connection or an HTTP
 * 4xx with a message, and after each one the server still answers the API and an FLV player that
 * was watching all along keeps receiving media.
 */
@ExtendWith(PeerReaper.class)
class BadInputTest {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
  private static ServerFixture server;
  private static FfmpegProcess publisher;
  private static FlvPull watcher;

  @BeforeAll
  static void startServerPublisherAndWatcher() {
    server = ServerFixture.start(c -> c.withSniffTimeoutMs(3000));
    publisher = Ffmpeg.bundled().publishTestSource(server.rtmp("live/watch"), Duration.ofSeconds(600), 320, 240, 25, 25);
    server.awaitLive("live", "watch");
    watcher = FlvPull.open(server.port, false, "/live/watch.flv");
    await().atMost(Duration.ofSeconds(15)).until(() -> watcher.keyframes.get() >= 1);
  }

  @AfterAll
  static void stopAll() {
    if (watcher != null) {
      watcher.close();
    }
    if (publisher != null) {
      publisher.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void everyoneElseIsStillServed() {
    assertThat(server.api("/api/v1/versions").get("code").asInt()).isZero();
    long bytes = watcher.bytes.get();
    await("the FLV watcher keeps receiving").atMost(Duration.ofSeconds(10)).until(() -> watcher.bytes.get() > bytes);
    assertThat(watcher.error()).as(watcher.toString()).isNull();
    assertThat(watcher.sawEof()).as(watcher.toString()).isFalse();
    assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
  }

  // ------------------------------------------------------------------ sniffer and RTMP handshake

  @Test
  void randomBytesAreClosed() throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int seed = 1; seed <= 8; seed++) {
      byte[] junk = new byte[2048];
      new Random(seed).nextBytes(junk);
      int s = seed;
      results.add(Parallel.run(() -> {
        try (RawRtmp c = RawRtmp.open(server.port)) {
          sendIgnoringReset(c, junk);
          return "seed " + s + " (first byte 0x" + Integer.toHexString(junk[0] & 0xFF) + "): "
              + (c.awaitClosed(CLOSE_WAIT) ? "closed" : "still open");
        }
      }));
    }
    for (var r : results) {
      assertThat(r.get()).endsWith("closed");
    }
  }

  @Test
  void randomChunkStreamAfterAValidHandshakeIsClosed() throws Exception {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int seed = 11; seed <= 18; seed++) {
      byte[] junk = new byte[4096];
      new Random(seed).nextBytes(junk);
      int s = seed;
      results.add(Parallel.run(() -> {
        try (RawRtmp c = RawRtmp.open(server.port)) {
          c.handshake();
          sendIgnoringReset(c, junk);
          return "seed " + s + ": " + (c.awaitClosed(CLOSE_WAIT) ? "closed" : "still open");
        }
      }));
    }
    for (var r : results) {
      assertThat(r.get()).endsWith("closed");
    }
  }

  @Test
  void randomBytesAfterAnHttpMethodGet400OrAClose() {
    for (int seed = 21; seed <= 24; seed++) {
      byte[] junk = new byte[3000];
      new Random(seed).nextBytes(junk);
      System.arraycopy(ascii("GET "), 0, junk, 0, 4);
      junk[junk.length - 4] = '\r';
      junk[junk.length - 3] = '\n';
      junk[junk.length - 2] = '\r';
      junk[junk.length - 1] = '\n';
      RawHttp.Response r = RawHttp.send(server.port, false, junk);
      assertThat(r.closedByServer()).isTrue();
      assertThat(r.status()).as("seed " + seed + ": " + r).isIn(-1, 400, 414, 431);
    }
  }

  @Test
  void rtmpeIsRefusedAtOnce() {
    long rejected = server.server.sniffStats().rejected.sum();
    byte[] c0c1 = new byte[1537];
    new Random(6).nextBytes(c0c1);
    c0c1[0] = 0x06;
    try (RawRtmp c = RawRtmp.open(server.port)) {
      sendIgnoringReset(c, c0c1);
      assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.server.sniffStats().rejected.sum() > rejected);
  }

  @Test
  void truncatedHandshakeIsCleanedUp() {
    byte[] partial = new byte[101];
    partial[0] = 0x03;
    try (RawRtmp c = RawRtmp.open(server.port)) {
      c.sendRaw(partial);
      c.shutdownOutput();
      assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
    }
  }

  /** The slow cases run side by side: the RTMP handshake deadline and the HTTP request deadline are both 10 s. */
  @Test
  void stalledHandshakeAndSlowlorisAreCutOffAtTheirDeadlines() throws Exception {
    var handshake = Parallel.run(() -> {
      byte[] c0c1 = new byte[1537];
      c0c1[0] = 0x03;
      try (RawRtmp c = RawRtmp.open(server.port)) {
        c.sendRaw(c0c1);
        long t0 = System.nanoTime();
        boolean closed = c.awaitClosed(Duration.ofSeconds(25));
        return String.format("stalled handshake %s after %.1f s", closed ? "closed" : "NOT closed",
            (System.nanoTime() - t0) / 1e9);
      }
    });
    var slowloris = Parallel.run(() -> {
      try (Socket s = RawHttp.open(server.port, false)) {
        OutputStream out = s.getOutputStream();
        out.write("GET /api/v1/versions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long t0 = System.nanoTime();
        byte[] header = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        try {
          for (; sent < header.length && (System.nanoTime() - t0) < 25e9; sent++) {
            out.write(header[sent]);
            out.flush();
            if (s.getInputStream().available() > 0) {
              break;
            }
            Thread.sleep(500);
          }
        } catch (IOException closedWhileWriting) {
          // the server gave up on us: read what it said
        }
        s.setSoTimeout(5000);
        RawHttp.Response r = RawHttp.read(s.getInputStream());
        return String.format("slowloris %d '%s' after %.1f s (%d header bytes dribbled)", r.status(), r.body().trim(),
            (System.nanoTime() - t0) / 1e9, sent);
      } catch (IOException | InterruptedException e) {
        return "slowloris failed: " + e;
      }
    });
    String h = handshake.get();
    String sl = slowloris.get();
    System.out.println(h + "; " + sl);
    assertThat(h).startsWith("stalled handshake closed");
    assertThat(sl).startsWith("slowloris 408");
  }

  // ------------------------------------------------------------------ RTMP chunk stream and AMF

  @Test
  void chunkSizeZeroIsAProtocolError() {
    assertClosedAfter(c -> c.sendMessage(2, RtmpMessageType.SET_CHUNK_SIZE, 0, new byte[] {0, 0, 0, 0}));
  }

  @Test
  void chunkSizeAbove16MiBIsAProtocolError() {
    assertClosedAfter(c -> c.sendMessage(2, RtmpMessageType.SET_CHUNK_SIZE, 0, new byte[] {0x01, 0, 0, 0}));
  }

  @Test
  void messageLongerThan8MiBIsRefusedBeforeItArrives() {
    // fmt 0 on chunk stream 3: timestamp 0, length 8 MiB + 1, type 20, stream 0 -- and a few payload bytes
    assertClosedAfter(c -> c.sendRaw(new byte[] {0x03, 0, 0, 0, (byte) 0x80, 0, 0x01, 0x14, 0, 0, 0, 0, 0x02, 0, 0}));
  }

  @Test
  void unknownAmf0MarkerInACommandIsAProtocolError() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(amfString("connect"));
    body.writeBytes(new byte[] {0x00, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0}); // 1.0
    body.write(0x42); // no such AMF0 type
    body.writeBytes(new byte[] {1, 2, 3, 4});
    assertClosedAfter(c -> c.sendMessage(3, RtmpMessageType.AMF0_COMMAND, 0, body.toByteArray()));
  }

  @Test
  void amfNestedAThousandDeepIsAProtocolError() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(amfString("connect"));
    body.writeBytes(new byte[] {0x00, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0});
    for (int i = 0; i < 1000; i++) {
      body.writeBytes(new byte[] {0x03, 0x00, 0x01, 'a'}); // object { "a": ...
    }
    body.write(0x05);
    for (int i = 0; i < 1000; i++) {
      body.writeBytes(new byte[] {0x00, 0x00, 0x09}); // }
    }
    assertClosedAfter(c -> c.sendMessage(3, RtmpMessageType.AMF0_COMMAND, 0, body.toByteArray()));
  }

  @Test
  void publishBeforeConnectIsAProtocolError() {
    assertClosedAfter(c -> c.send(RtmpCommands.publish(1, "watch", "live", RawRtmp.ALLOC)));
  }

  @Test
  void mediaBeforePublishIsAProtocolError() {
    try (RawRtmp c = RawRtmp.open(server.port)) {
      c.connect("live", server.rtmp("live"));
      c.sendMessage(6, RtmpMessageType.VIDEO, 1, new byte[] {0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65});
      assertThat(c.awaitClosed(CLOSE_WAIT)).isTrue();
    }
  }

  // ------------------------------------------------------------------ HTTP

  @Test
  void headerOf20KiBGets431() {
    String request = "GET /api/v1/versions HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n";
    assertHttpError(RawHttp.send(server.port, false, ascii(request)), 431);
  }

  @Test
  void requestLineAbove8KiBGets414() {
    String request = "GET /api/v1/versions?" + "q".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    assertHttpError(RawHttp.send(server.port, false, ascii(request)), 414);
  }

  @Test
  void dotDotPathsGet400() {
    for (String path : List.of("/../etc/passwd", "/live/../x.flv", "/api/v1/../../etc/passwd")) {
      assertHttpError(RawHttp.get(server.port, false, path), 400);
      assertHttpError(RawHttp.get(server.port, true, path), 400);
    }
  }

  @Test
  void unknownPathsGet404WithAMessage() {
    RawHttp.Response r = RawHttp.get(server.port, false, "/no/such/thing");
    assertHttpError(r, 404);
    assertThat(r.body()).contains("/no/such/thing");
    RawHttp.Response api = RawHttp.get(server.port, false, "/api/v1/nothing");
    assertHttpError(api, 404);
    assertThat(api.json().get("code").asInt()).isNotZero();
    assertThat(api.json().get("message").asText()).contains("/api/v1/nothing");
  }

  @Test
  void postToAGetResourceGets405() {
    for (String path : List.of("/api/v1/streams", "/api/v1/clients/", "/api/v1/summaries")) {
      RawHttp.Response r = RawHttp.send(server.port, false, ascii("POST " + path
          + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
      assertHttpError(r, 405);
      assertThat(r.json().get("message").asText()).contains("POST");
    }
  }

  /** SRS answers {@code POST /api/v1/versions} as GET; clients probe a server with it. */
  @Test
  void postToVersionsAnswersLikeGet() {
    RawHttp.Response r = RawHttp.send(server.port, false, ascii("POST /api/v1/versions"
        + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("code").asInt()).isZero();
    assertThat(r.json().get("data").get("version").asText()).isEqualTo(server.api("/api/v1/versions").get("data")
        .get("version").asText());
  }

  @Test
  void flvOfAnUnknownStreamGets404() {
    RawHttp.Response r = RawHttp.get(server.port, false, "/live/nobody.flv");
    assertHttpError(r, 404);
    assertThat(r.body()).contains("live/nobody");
    assertHttpError(RawHttp.get(server.port, true, "/live/nobody.flv"), 404);
  }

  // ------------------------------------------------------------------ helpers

  private static void assertClosedAfter(java.util.function.Consumer<RawRtmp> afterHandshake) {
    try (RawRtmp c = RawRtmp.open(server.port)) {
      c.handshake();
      try {
        afterHandshake.accept(c);
      } catch (UncheckedIOException resetWhileWriting) {
        // the server closed before we finished: that is the expected outcome
      }
      assertThat(c.awaitClosed(CLOSE_WAIT)).as("server closed the connection; commands: " + c.commands()).isTrue();
    }
  }

  private static void assertHttpError(RawHttp.Response r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.body().trim()).as("a message in the body").isNotEmpty();
    assertThat(r.headers().get("connection")).as(r.toString()).isEqualToIgnoringCase("close");
    assertThat(r.closedByServer()).isTrue();
  }

  private static void sendIgnoringReset(RawRtmp c, byte[] bytes) {
    try {
      c.sendRaw(bytes);
    } catch (UncheckedIOException e) {
      // closed while we were still writing
    }
  }

  private static byte[] amfString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x02);
    out.write(b.length >> 8);
    out.write(b.length);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
