package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.media.transcode.FfmpegAudioTranscoders;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.bridge.RtcToFlvBridges;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;

/**
 * WebRTC -> FLV with real peers: headless Chromium (canvas + WebAudio oscillator, H.264 + Opus) and
 * FFmpeg 8.1's whip muxer publish over WHIP; the bundled FFmpeg records the stream over HTTP-FLV and
 * plays it over RTMP; ffprobe reads h264 + aac with monotonic timestamps, and FFmpeg decodes the whole
 * recording without an error. The recording lasts {@code -Dtally.rtc2flv.seconds} (default 60).
 */
@Timeout(value = 300)
class WhipToFlvTest {
  private static final int SECONDS = Integer.getInteger("tally.rtc2flv.seconds", 60);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private int port;
  private RtcToFlvBridges bridges;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (server != null) server.close();
  }

  private void start() throws Exception {
    ServerConfig c = ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withConfigDir(Files.createTempDirectory("tally-rtc2flv-test").toString());
    server = TallyServer.start(c, "0.1.0-test", new FfmpegAudioTranscoders());
    bridges = server.rtcToFlvBridges();
    port = server.boundAddresses().get(0).getPort();
  }

  private void awaitPublisher(String name) {
    StreamKey key = new StreamKey("live", name);
    await("WHIP publisher connected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> server.rtcStreams().stream(key).map(s -> s.publisher()).map(p -> p.transport())
            .map(t -> t.state() == RtcTransport.State.CONNECTED).orElse(false));
  }

  @Test
  void chromiumWhipBecomesAnFlvStreamWithH264AndAac() throws Exception {
    start();
    try (ChromeDriverClient chrome = new ChromeDriverClient()) {
      ChromeDriverClient.Browser pub = chrome.open();
      closeables.add(pub);
      pub.navigate("http://127.0.0.1:" + port + "/players/whip.html?app=live&stream=chromium");
      awaitPublisher("chromium");
      Path flv = record("http://127.0.0.1:" + port + "/live/chromium.flv", SECONDS);
      assertMonotonicH264AndAac(flv, SECONDS);
      playsOverRtmp("rtmp://127.0.0.1:" + port + "/live/chromium");
      JsonNode s = pub.state();
      assertThat(s.path("error").isNull() || !s.has("error")).as("publisher page error: %s", s).isTrue();
    }
  }

  @Test
  void aWhipPublisherThatLeavesAndReturnsKeepsFlvPlayersOnOneTimeline() throws Exception {
    // FFmpeg RTP through our SRTP test peer: it reconnects in well under the hub's 10 s linger even on a
    // loaded machine (a second Chromium page took longer than that there)
    start();
    int seconds = 25;
    String base = "http://127.0.0.1:" + port;
    StreamKey key = new StreamKey("live", "again");
    WhipTestPeer first = WhipTestPeer.connect(base, server.webrtc().udpAddress(), WhipTestPeer.Api.WHIP, true, "live",
        "again", true, true);
    closeables.add(first);
    FfmpegRtpRelay firstMedia = new FfmpegRtpRelay(first, Duration.ofSeconds(60), 0, (video, p, ms) -> p);
    closeables.add(firstMedia);
    Path out = PeerFiles.newDir("rtc2flv").resolve("again.flv");
    FfmpegProcess rec = Ffmpeg.bundled().start(List.of("-rw_timeout", "15000000", "-i", base + "/live/again.flv",
        "-t", Integer.toString(seconds), "-c", "copy", "-f", "flv", out.toString()));
    closeables.add(rec);
    await("first publisher bridged").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> bridges.stats(key).map(st -> st.videoFrames() > 60).orElse(false));
    var http = java.net.http.HttpClient.newHttpClient();
    var delete = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + first.location)).DELETE().build();
    assertThat(http.send(delete, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    firstMedia.close();
    await("first publisher gone").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> server.rtcStreams().stream(key).map(st -> st.publisher() == null).orElse(true));
    WhipTestPeer second = WhipTestPeer.connect(base, server.webrtc().udpAddress(), WhipTestPeer.Api.WHIP, true, "live",
        "again", true, true);
    closeables.add(second);
    closeables.add(new FfmpegRtpRelay(second, Duration.ofSeconds(60), 0, (video, p, ms) -> p));
    rec.waitForSuccess(Duration.ofSeconds(seconds + 60L));
    assertMonotonicH264AndAac(out, seconds, 8);
  }

  @Test
  void ffmpegWhipBecomesAnFlvStream() throws Exception {
    start();
    int seconds = Math.min(SECONDS, 20);
    FfmpegProcess pub = Ffmpeg.bundled().start(FfmpegWhipInteropTest.whipArgs(
        "http://127.0.0.1:" + port + "/rtc/v1/whip/?app=live&stream=ffwhip", Duration.ofSeconds(seconds + 40)));
    closeables.add(pub);
    awaitPublisher("ffwhip");
    Path flv = record("http://127.0.0.1:" + port + "/live/ffwhip.flv", seconds);
    assertMonotonicH264AndAac(flv, seconds);
  }

  @Test
  void sequenceJumpsAndAWildSenderReportAreCountedAndSkipped() throws Exception {
    start();
    int seconds = Math.min(SECONDS, 20);
    WhipTestPeer peer = WhipTestPeer.connect("http://127.0.0.1:" + port, server.webrtc().udpAddress(),
        WhipTestPeer.Api.WHIP, true, "live", "bad", true, true);
    closeables.add(peer);
    java.util.concurrent.atomic.AtomicBoolean wildSent = new java.util.concurrent.atomic.AtomicBoolean();
    FfmpegRtpRelay relay = new FfmpegRtpRelay(peer, Duration.ofSeconds(seconds + 30), 0, new FfmpegRtpRelay.Mangler() {
      @Override
      public byte[] rtp(boolean video, byte[] p, long ms) {
        int jumpAt = video ? 8_000 : 10_000;
        if (ms >= jumpAt) {
          int seq = (((p[2] & 0xff) << 8) | (p[3] & 0xff)) + (video ? 20_000 : 30_000);
          p[2] = (byte) (seq >> 8);
          p[3] = (byte) seq;
        }
        return p;
      }

      @Override
      public List<byte[]> rtcp(boolean video, byte[] p, long ms) {
        if (!video || (p[1] & 0xff) != 200 || ms < 6_000 || !wildSent.compareAndSet(false, true)) return List.of(p);
        byte[] wild = p.clone(); // the same report three days later: a sender clock gone wild
        long ntpSeconds = (((wild[8] & 0xffL) << 24) | ((wild[9] & 0xff) << 16) | ((wild[10] & 0xff) << 8) | (wild[11] & 0xff))
            + 3 * 86_400;
        wild[8] = (byte) (ntpSeconds >> 24);
        wild[9] = (byte) (ntpSeconds >> 16);
        wild[10] = (byte) (ntpSeconds >> 8);
        wild[11] = (byte) ntpSeconds;
        return List.of(p, wild);
      }
    });
    closeables.add(relay);
    Path flv = record("http://127.0.0.1:" + port + "/live/bad.flv", seconds);
    var stats = bridges.stats(new StreamKey("live", "bad")).orElseThrow();
    System.out.println("rtc2flv bad input: " + stats + ", wild SR sent " + wildSent.get());
    // (the first keyframe after the jump may take a while on a loaded machine: 5 s of the recording may lack video)
    assertThat(wildSent).isTrue();
    assertThat(stats.sequenceResets()).as("video and audio sequence jumps").isGreaterThanOrEqualTo(2);
    assertThat(stats.wildSenderReports()).isGreaterThanOrEqualTo(1);
    assertMonotonicH264AndAac(flv, seconds, 5);
  }

  @Test
  void aPublisherLosingFivePercentStillYieldsACleanFlv() throws Exception {
    start();
    int seconds = Math.min(SECONDS, 20);
    WhipTestPeer peer = WhipTestPeer.connect("http://127.0.0.1:" + port, server.webrtc().udpAddress(),
        WhipTestPeer.Api.WHIP, true, "live", "lossy", true, true);
    closeables.add(peer);
    FfmpegRtpRelay relay = new FfmpegRtpRelay(peer, Duration.ofSeconds(seconds + 30), 0.05, (video, p, ms) -> p);
    closeables.add(relay);
    Path flv = record("http://127.0.0.1:" + port + "/live/lossy.flv", seconds);
    System.out.println("rtc2flv 5 % loss: dropped " + relay.dropped.get() + ", retransmitted on NACK "
        + relay.retransmitted.get() + ", " + bridges.stats(new StreamKey("live", "lossy")).orElseThrow());
    assertThat(relay.dropped.get()).isPositive();
    assertMonotonicH264AndAac(flv, seconds, 5);
  }

  /** The bundled FFmpeg copies seconds of url into an FLV file. */
  static Path record(String url, int seconds) {
    Path out = PeerFiles.newDir("rtc2flv").resolve("out.flv");
    FfmpegProcess rec = Ffmpeg.bundled().start(List.of("-rw_timeout", "10000000", "-i", url, "-t",
        Integer.toString(seconds), "-c", "copy", "-f", "flv", out.toString()));
    rec.waitForSuccess(Duration.ofSeconds(seconds + 40L));
    return out;
  }

  /** ffprobe sees h264 + aac, every packet's dts per stream increasing, both lasting the recording; FFmpeg decodes it cleanly. */
  static void assertMonotonicH264AndAac(Path flv, int seconds) throws Exception {
    assertMonotonicH264AndAac(flv, seconds, 3);
  }

  /** ...allowing {@code missingSeconds} of the recording without media (start, or a publisher's absence). */
  static void assertMonotonicH264AndAac(Path flv, int seconds, int missingSeconds) throws Exception {
    Ffprobe.Probe probe = Ffprobe.bundled().probe(flv.toString());
    assertThat(probe.video()).as("video in %s", probe).get().extracting(Ffprobe.Stream::codecName).isEqualTo("h264");
    assertThat(probe.audio()).as("audio in %s", probe).get().extracting(Ffprobe.Stream::codecName).isEqualTo("aac");
    PeerProcess packets = PeerProcess.start("ffprobe", List.of(Ffprobe.bundled().executable().toString(), "-v",
        "error", "-show_entries", "packet=stream_index,dts", "-of", "csv=p=0", flv.toString()));
    packets.waitForSuccess(Duration.ofSeconds(60));
    Map<Integer, Long> last = new HashMap<>();
    Map<Integer, Long> first = new HashMap<>();
    Map<Integer, Integer> count = new HashMap<>();
    for (String line : Files.readAllLines(packets.stdoutFile())) {
      String[] f = line.trim().split(",");
      if (f.length < 2 || f[1].isEmpty() || f[1].equals("N/A")) continue;
      int stream = Integer.parseInt(f[0]);
      long dts = Long.parseLong(f[1]);
      Long before = last.get(stream);
      assertThat(before == null || dts > before).as("stream %d dts %d after %d", stream, dts, before).isTrue();
      last.put(stream, dts);
      first.putIfAbsent(stream, dts);
      count.merge(stream, 1, Integer::sum);
    }
    int v = probe.video().orElseThrow().index();
    int a = probe.audio().orElseThrow().index();
    System.out.printf("rtc2flv %s: video %d packets %d..%d ms, audio %d packets %d..%d ms%n", flv, count.get(v),
        first.get(v), last.get(v), count.get(a), first.get(a), last.get(a));
    // FLV dts in ms; each track spans most of the recording (a second or two go to the first keyframe)
    int m = missingSeconds;
    assertThat(last.get(v) - first.get(v)).as("video span").isGreaterThan((seconds - m) * 1000L);
    assertThat(last.get(a) - first.get(a)).as("audio span").isGreaterThan((seconds - m) * 1000L);
    // media flows (rates themselves are not asserted: on a loaded machine senders and loopback drop)
    assertThat(count.get(a)).as("AAC frames (46.9/s at 48 kHz)").isGreaterThan((seconds - m) * 20);
    assertThat(count.get(v)).as("video frames").isGreaterThan((seconds - m) * 2);
    // passthrough + the demuxer's time base: frames keep the FLV's ms times. Without them FFmpeg re-times
    // video to 1/fps for the null muxer, and two frames a WebRTC sender captured < 33 ms apart (Chromium
    // on a loaded machine) collide there as "non monotonically increasing dts", although the FLV's own
    // dts increase (checked above). Decoder errors (h264, aac) still print.
    PeerProcess decode = PeerProcess.start("ffmpeg", List.of(Ffmpeg.bundled().executable().toString(), "-nostdin",
        "-nostats", "-v", "error", "-i", flv.toString(), "-fps_mode", "passthrough", "-enc_time_base:v", "demux",
        "-f", "null", "-"));
    decode.waitForSuccess(Duration.ofSeconds(120));
    assertThat(String.join("\n", decode.stderrLines())).as("decode errors").isBlank();
  }

  /** FFmpeg plays the stream over RTMP and decodes video and audio from it. */
  static void playsOverRtmp(String url) {
    FfmpegProcess play = Ffmpeg.bundled().start(List.of("-rw_timeout", "10000000", "-i", url, "-t", "5",
        "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"));
    play.waitForSuccess(Duration.ofSeconds(90));
  }
}
