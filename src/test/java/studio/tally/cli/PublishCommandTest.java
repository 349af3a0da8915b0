package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.XvfbDisplay;
import studio.tally.testing.FreePort;
import studio.tally.testing.NginxRtmp;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally publish}, {@code tally devices} and {@code tally encoders} as real child processes against
 * real peers: our server (in this JVM), nginx-rtmp (with its TLS front), ffprobe 8.1 as the player and
 * the judge of recordings, Xvfb for screen capture. No mocks and no timing asserts: every wait has a
 * generous deadline and only says "it happened".
 */
@ExtendWith(PeerReaper.class)
class PublishCommandTest {
  /** A stats line: "rtmp://127.0.0.1:PORT/app/<masked key>: <state>, ... reconnects N". */
  private static final Pattern RECONNECTS = Pattern.compile("reconnects (\\d+)\\s*$");

  @Test
  void testPatternWithPipToOurServerAndNginxPlusRecordingExitsZero() throws Exception {
    Path rec = PeerFiles.newDir("publish-fanout").resolve("rec.mp4");
    try (var ours = InProcessServer.start(); var nginx = NginxRtmp.start()) {
      PeerProcess tally = TallyCli.start("publish", "--source", "test", "--pip", "test", "--size", "640x360", "--fps", "30",
          "--bitrate", "1000", "--to", ours.rtmp("live/a"), "--to", nginx.rtmpUrl("a"), "--record", rec.toString(),
          "--duration", "8", "--stats-interval", "1");
      ours.awaitLive("live", "a", Duration.ofSeconds(30), () -> !tally.isAlive());
      await("nginx destination live").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> !tally.isAlive() || lastState(tally, nginx.rtmpPort()).startsWith("live"));
      assertThat(tally.isAlive()).as(TallyCli.describe(tally)).isTrue();
      // two players while it runs: HTTP-FLV from our server, RTMP from nginx
      var fromOurs = CompletableFuture.supplyAsync(() -> Ffprobe.bundled().probe(ours.httpFlv("live/a")));
      var fromNginx = CompletableFuture.supplyAsync(() -> Ffprobe.bundled().probe(nginx.rtmpUrl("a")));
      assertH264AndAac(fromOurs.get(30, TimeUnit.SECONDS), 640, 360, "our server over HTTP-FLV");
      assertH264AndAac(fromNginx.get(30, TimeUnit.SECONDS), 640, 360, "nginx-rtmp over RTMP");

      assertThat(tally.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(tally)).isZero();
      List<String> out = TallyCli.stdout(tally);
      assertThat(out).as(TallyCli.describe(tally)).first().asString().startsWith("encoder: ");
      for (int port : new int[] {ours.port, nginx.rtmpPort()}) {
        assertThat(statsLines(out, port)).as("stats of :" + port + "\n" + TallyCli.describe(tally)).hasSizeGreaterThan(3)
            .last().asString().contains(": live, ").endsWith("reconnects 0");
      }
      assertThat(out).last().asString().startsWith("done: ");
      assertNoStackTrace(tally);
    }

    var probe = Ffprobe.bundled().probe(rec.toString());
    System.out.printf("recording: %s, %.3f s, %d bytes%n", probe.streams(), probe.format().duration(), Files.size(rec));
    assertH264AndAac(probe, 640, 360, "the recording");
    assertThat(probe.video().orElseThrow().avgFps()).as("recording fps").isCloseTo(30, within(1.0));
    assertThat(probe.format().duration()).as("recording duration (s)").isCloseTo(8, within(1.0));
    // the encoder, not the test pattern, decides keyframes: one every 2 s (--keyframe-interval default)
    var packets = RecordingFacts.videoPackets(rec);
    long keyframes = packets.stream().filter(RecordingFacts.VideoPacket::keyframe).count();
    System.out.printf("recording: %d video packets, %d keyframes%n", packets.size(), keyframes);
    assertThat(packets.getFirst().keyframe()).as("starts with a keyframe").isTrue();
    assertThat(keyframes).as("keyframes in 8 s with a 2 s interval").isBetween(3L, 6L);
    List<String> boxes = RecordingFacts.topLevelBoxes(rec);
    assertThat(boxes).as("faststart MP4: the index before the media, no fragments").contains("moov", "mdat")
        .doesNotContain("moof");
    assertThat(boxes.indexOf("moov")).as(boxes.toString()).isLessThan(boxes.indexOf("mdat"));
  }

  @Test
  void rtmpsTrustsAPinnedCertificateRefusesAnUnknownOneAndSaysSoAndInsecureWarns() throws Exception {
    try (var ours = InProcessServer.start(); var nginx = NginxRtmp.startWithRtmps()) {
      // four child JVMs at once on a small machine: 7 s leaves room for a slow first TLS handshake; a
      // stalled one would show as a reconnect (publish timeout 10 s) or a non-zero exit
      String[] common = {"--source", "test", "--size", "320x240", "--fps", "15", "--bitrate", "300", "--duration", "7",
          "--stats-interval", "1", "--connect-timeout", "10"};
      PeerProcess pinned = TallyCli.start(args("publish", common, "--to", ours.rtmps("live/pinned"),
          "--tls-fingerprint", ours.fingerprint()));
      PeerProcess untrusted = TallyCli.start(args("publish", common, "--to", ours.rtmps("live/untrusted")));
      PeerProcess insecure = TallyCli.start(args("publish", common, "--to", ours.rtmps("live/insecure"), "--insecure-tls"));
      PeerProcess viaNginx = TallyCli.start(args("publish", common, "--to", nginx.rtmpsUrl("front"),
          "--tls-fingerprint", nginx.certificate().sha256Fingerprint()));

      assertThat(pinned.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(pinned)).isZero();
      assertThat(statsLines(TallyCli.stdout(pinned), ours.port)).last().asString().contains(": live, ")
          .endsWith("reconnects 0");

      assertThat(untrusted.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(untrusted)).isEqualTo(3);
      String error = oneErrorLine(untrusted);
      System.out.println("untrusted: " + error);
      assertThat(error).contains("certificate not trusted").contains("SHA-256 " + ours.fingerprint())
          .contains("--tls-fingerprint").contains("--insecure-tls");
      assertNoStackTrace(untrusted);

      assertThat(insecure.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(insecure)).isZero();
      assertThat(TallyCli.stdout(insecure)).filteredOn(l -> l.startsWith("warning: ")).singleElement().asString()
          .contains("--insecure-tls");

      assertThat(viaNginx.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(viaNginx) + "\n" + nginx.diagnostics())
          .isZero();
      assertThat(statsLines(TallyCli.stdout(viaNginx), nginx.rtmpsPort())).last().asString().contains(": live, ")
          .endsWith("reconnects 0");
      for (PeerProcess p : List.of(pinned, insecure, viaNginx)) assertNoStackTrace(p);
    }
  }

  @Test
  void serverKilledAndRestartedMidPublishReconnectsAndTheRecordingHasNoGap() throws Exception {
    int port = FreePort.tcp();
    Path dir = PeerFiles.newDir("publish-restart");
    Path rec = dir.resolve("rec.mp4");
    double fps = 30;
    InProcessServer first = InProcessServer.start(port, dir, c -> c);
    PeerProcess tally;
    long lostAt;
    long restartedAt;
    long liveAgainAt;
    try {
      tally = TallyCli.start("publish", "--source", "test", "--size", "640x360", "--fps", "30", "--bitrate", "800",
          "--to", first.rtmp("live/r"), "--record", rec.toString(), "--duration", "14", "--stats-interval", "1");
      first.awaitLive("live", "r", Duration.ofSeconds(30), () -> !tally.isAlive());
      assertThat(tally.isAlive()).as(TallyCli.describe(tally)).isTrue();
      Thread.sleep(4000);
    } finally {
      first.close();
    }
    lostAt = System.nanoTime();
    Thread.sleep(3000);
    try (var second = InProcessServer.start(port, dir, c -> c)) {
      restartedAt = System.nanoTime();
      second.awaitLive("live", "r", Duration.ofSeconds(30), () -> !tally.isAlive());
      liveAgainAt = System.nanoTime();
      assertThat(second.isLive("live", "r")).as("the new server has the stream\n" + TallyCli.describe(tally)).isTrue();
      var probe = Ffprobe.bundled().probe(second.httpFlv("live/r"));
      assertH264AndAac(probe, 640, 360, "the new server after the reconnect");
      assertThat(tally.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(tally)).isZero();
    }
    System.out.printf("server down for %.2f s; publisher live again %.2f s after the loss (%.2f s after the restart)%n",
        (restartedAt - lostAt) / 1e9, (liveAgainAt - lostAt) / 1e9, (liveAgainAt - restartedAt) / 1e9);

    List<String> stats = statsLines(TallyCli.stdout(tally), port);
    int reconnecting = indexOf(stats, l -> l.contains(": reconnecting in "));
    assertThat(reconnecting).as("a reconnecting line\n" + TallyCli.describe(tally)).isNotNegative();
    assertThat(stats.subList(reconnecting, stats.size())).as(TallyCli.describe(tally))
        .anyMatch(l -> l.contains(": live, "));
    assertThat(stats.getLast()).contains(": live, ");
    assertThat(reconnects(stats.getLast())).as(stats.getLast()).isGreaterThanOrEqualTo(1);
    assertNoStackTrace(tally);

    // the recording does not care about the destination: every frame, no gap
    var probe = Ffprobe.bundled().probe(rec.toString());
    assertH264AndAac(probe, 640, 360, "the recording");
    assertThat(probe.format().duration()).as("recording duration (s)").isCloseTo(14, within(1.5));
    List<Double> pts = RecordingFacts.videoPacketPts(rec);
    var summary = RecordingFacts.summary(pts, fps);
    System.out.println("recording packets: " + summary + ", format duration " + probe.format().duration() + " s");
    long expected = Math.round((pts.getLast() - pts.getFirst()) * fps) + 1;
    assertThat((long) pts.size()).as("video packets vs the recording's own span × fps: " + summary)
        .isBetween(expected - 3, expected + 3);
    assertThat(pts.size()).as("≈ duration × fps").isBetween((int) (13 * fps), (int) (15.5 * fps));
    assertThat(RecordingFacts.maxGap(pts)).as("largest gap between video frames (s): " + summary)
        .isLessThanOrEqualTo(2 / fps + 1e-3);
  }

  @Test
  void screenCaptureUnderXvfbIsListedAndPublished() throws Exception {
    try (var x = XvfbDisplay.start(800, 600); var ours = InProcessServer.start()) {
      PeerProcess devices = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "devices");
      assertThat(devices.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(devices)).isZero();
      assertThat(TallyCli.stdout(devices)).as(TallyCli.describe(devices))
          .anyMatch(l -> l.contains(x.deviceId() + " ") && l.contains("(800x600)"));

      PeerProcess tally = TallyCli.start(Map.of("DISPLAY", x.display()), List.of(), "publish",
          "--source", "screen:" + x.deviceId(), "--size", "640x480", "--fps", "15", "--bitrate", "500",
          "--to", ours.rtmp("live/scr"), "--duration", "5", "--stats-interval", "1");
      ours.awaitLive("live", "scr", Duration.ofSeconds(30), () -> !tally.isAlive());
      assertThat(tally.isAlive()).as(TallyCli.describe(tally)).isTrue();
      var video = Ffprobe.bundled().probe(ours.httpFlv("live/scr")).video().orElseThrow();
      assertThat(video.codecName()).isEqualTo("h264");
      assertThat(video.width()).isEqualTo(640);
      assertThat(video.height()).isEqualTo(480);
      assertThat(tally.waitFor(Duration.ofSeconds(40))).as(TallyCli.describe(tally)).isZero();
      assertThat(statsLines(TallyCli.stdout(tally), ours.port)).last().asString().contains(": live, ");
      assertNoStackTrace(tally);
    }
  }

  @Test
  void badInputIsOneLineNonZeroAndEndsByItself() throws Exception {
    int closedPort = FreePort.tcp();
    String closed = "rtmp://127.0.0.1:" + closedPort + "/live/x";
    String ok = "rtmp://127.0.0.1:" + FreePort.tcp() + "/live/x"; // never reached: the input fails first
    try (var guarded = InProcessServer.start(0, PeerFiles.newDir("tally-token"), c -> c.withPublishToken("t"))) {
      record Case(String mentions, int exitCode, boolean onlyLine, String... args) {}
      List<Case> cases = List.of(
          new Case("/dev/video99", 2, true, "--source", "camera:v4l2:/dev/video99", "--to", ok),
          new Case("banana", 2, true, "--source", "banana", "--to", ok),
          new Case("'ftp'", 2, true, "--to", "ftp://x"),
          new Case("missing host", 2, true, "--to", "rtmp://"),
          new Case("missing app and stream key", 2, true, "--to", "rtmp://host"),
          new Case("unknown encoder 'nope'", 2, true, "--encoder", "nope", "--to", ok),
          new Case("libcuda", 2, true, "--encoder", "h264_nvenc", "--to", ok),
          new Case("0x0", 2, true, "--size", "0x0", "--to", ok),
          new Case("frame rate", 2, true, "--fps", "0", "--to", ok),
          new Case("--to", 2, true),
          // destinations that fail: the publisher's own log lines may precede the error
          new Case("cannot connect to 127.0.0.1:" + closedPort, 3, false, "--to", closed),
          new Case("connection refused", 3, false, "--to",
              "http://127.0.0.1:" + closedPort + "/rtc/v1/whip/?app=live&stream=x"),
          new Case("Unauthorized", 3, false, "--to", guarded.rtmp("live/x?token=wrong")));
      List<String> summary = new ArrayList<>();
      for (Case c : cases) {
        List<String> args = new ArrayList<>(List.of("publish", "--size", "320x240", "--fps", "15", "--connect-timeout", "5"));
        for (int i = 0; i < c.args().length; i++) {
          if (c.args()[i].equals("--size") || c.args()[i].equals("--fps")) {
            args.set(args.indexOf(c.args()[i]) + 1, c.args()[++i]); // override the default above
          } else {
            args.add(c.args()[i]);
          }
        }
        PeerProcess p = TallyCli.start(args.toArray(String[]::new));
        // ends by itself: the connect timeout (5 s) plus a JVM start, with lots of slack for a busy machine
        int code = p.waitFor(Duration.ofSeconds(45));
        String what = String.join(" ", args.subList(1, args.size())) + "\n" + TallyCli.describe(p);
        assertThat(code).as(what).isEqualTo(c.exitCode());
        String error = oneErrorLine(p);
        assertThat(error).as(what).contains(c.mentions());
        if (c.onlyLine()) {
          assertThat(p.stderrLines()).as("nothing but the reason on stderr: " + what).containsExactly(error);
        }
        assertNoStackTrace(p);
        if (c.mentions().equals("Unauthorized")) {
          assertThat(error).as(what).contains("rejected").doesNotContain("token=wrong"); // the key is masked
        }
        summary.add("exit " + code + " <- " + String.join(" ", c.args()) + "\n    " + error);
      }
      summary.forEach(System.out::println);
    }
  }

  @Test
  void encodersSaysWhatIsUsableAndDevicesWorksWithoutDisplay() {
    PeerProcess encoders = TallyCli.start("encoders");
    assertThat(encoders.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(encoders)).isZero();
    List<String> out = TallyCli.stdout(encoders);
    assertThat(out).filteredOn(l -> l.startsWith("libx264 ")).singleElement().asString()
        .contains("software").endsWith(" usable");
    assertThat(out).filteredOn(l -> l.startsWith("h264_nvenc ")).singleElement().asString()
        .contains("hardware").contains("not usable: ").contains("libcuda");
    assertThat(out).last().asString().isEqualTo("auto (h264): libx264");
    assertNoStackTrace(encoders);

    PeerProcess devices = TallyCli.start(Map.of(), List.of("DISPLAY"), "devices");
    assertThat(devices.waitFor(Duration.ofSeconds(60))).as(TallyCli.describe(devices)).isZero();
    assertThat(TallyCli.stdout(devices)).as(TallyCli.describe(devices)).isNotEmpty();
    assertNoStackTrace(devices);
  }

  // --- helpers ---

  private static String[] args(String command, String[] common, String... more) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(common));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Stats lines of the destination on port, in order. */
  private static List<String> statsLines(List<String> stdout, int port) {
    String prefix = "127.0.0.1:" + port + "/";
    return stdout.stream().filter(l -> l.matches("^rtmps?://.*") && l.contains(prefix) && l.contains(", reconnects ")).toList();
  }

  /** The state part of the last stats line of the destination on port ("" before the first). */
  private static String lastState(PeerProcess p, int port) {
    List<String> lines = statsLines(TallyCli.stdout(p), port);
    if (lines.isEmpty()) return "";
    String last = lines.getLast();
    int colon = last.indexOf(": ", last.indexOf(":" + port + "/"));
    return colon < 0 ? "" : last.substring(colon + 2);
  }

  private static int reconnects(String statsLine) {
    var m = RECONNECTS.matcher(statsLine);
    if (!m.find()) throw new AssertionError("no reconnect count in: " + statsLine);
    return Integer.parseInt(m.group(1));
  }

  private static int indexOf(List<String> lines, java.util.function.Predicate<String> p) {
    for (int i = 0; i < lines.size(); i++) if (p.test(lines.get(i))) return i;
    return -1;
  }

  /** The one "tally publish: ..." line of stderr (fails when there are none or several). */
  private static String oneErrorLine(PeerProcess p) {
    List<String> errors = p.stderrLines().stream().filter(l -> l.startsWith("tally publish: ")).toList();
    assertThat(errors).as("one error line\n" + TallyCli.describe(p)).hasSize(1);
    return errors.getFirst();
  }

  private static void assertNoStackTrace(PeerProcess p) {
    List<String> all = new ArrayList<>(p.stderrLines());
    all.addAll(TallyCli.stdout(p));
    assertThat(all).as("no stack trace\n" + TallyCli.describe(p))
        .noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception") || l.startsWith("Caused by"));
  }

  private static void assertH264AndAac(Ffprobe.Probe probe, int width, int height, String where) {
    var video = probe.video().orElseThrow(() -> new AssertionError("no video in " + where + ": " + probe));
    var audio = probe.audio().orElseThrow(() -> new AssertionError("no audio in " + where + ": " + probe));
    assertThat(video.codecName()).as(where).isEqualTo("h264");
    assertThat(video.width()).as(where).isEqualTo(width);
    assertThat(video.height()).as(where).isEqualTo(height);
    assertThat(audio.codecName()).as(where).isEqualTo("aac");
    assertThat(audio.sampleRate()).as(where).isEqualTo(48000);
  }
}
