package studio.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every test peer works end to end on this machine. Fails, never skips, when one is missing. */
@ExtendWith(PeerReaper.class)
class PeerSmokeTest {

  @Test
  void bundledFfmpegPublishesToNginxRtmpAndBothProbesReadIt() throws Exception {
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    assertThat(ffmpeg.majorVersion()).as("bundled FFmpeg version " + ffmpeg.version()).isEqualTo(8);
    try (var nginx = NginxRtmp.start()) {
      String url = nginx.rtmpUrl("x");
      // nginx-rtmp lets players wait for a stream: start them alongside the publisher
      var bundledProbe = CompletableFuture.supplyAsync(() -> Ffprobe.bundled().probe(url));
      var debianProbe = CompletableFuture.supplyAsync(() -> Ffprobe.debian().probe(url));
      var packets = CompletableFuture.supplyAsync(() -> Ffprobe.bundled().countVideoPackets(url, 2));
      var recording = PeerFiles.newDir("record").resolve("x.flv");
      var recorder = Ffmpeg.debian().recordCopy(url, recording, Duration.ofSeconds(2));
      var player = Ffmpeg.debian().playToNull(url, Duration.ofSeconds(2));
      try (var publisher = ffmpeg.publishTestSource(url, Duration.ofSeconds(8), 1280, 720, 30, 30)) {
        for (var probe : List.of(bundledProbe.get(), debianProbe.get())) {
          assertH264720pWithAac(probe, publisher);
        }
        assertThat(packets.get()).as("video packets in 2 s\n" + publisher.describe()).isGreaterThanOrEqualTo(30);
        recorder.waitForSuccess(Duration.ofSeconds(15));
        player.waitForSuccess(Duration.ofSeconds(15));
        assertH264720pWithAac(Ffprobe.bundled().probe(recording.toString()), publisher);
        assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
        // what the benchmarks will read side by side
        assertThat(Processes.usage(publisher.pid()).cpuSeconds()).isPositive();
        assertThat(Processes.usage(nginx.pid()).rssBytes()).isPositive();
      }
    }
  }

  @Test
  void debianFfmpegPublishesThroughRtmpsFrontAndBundledProbeReadsRtmp() throws Exception {
    Ffmpeg ffmpeg = Ffmpeg.debian();
    assertThat(ffmpeg.majorVersion()).as("Debian FFmpeg version " + ffmpeg.version()).isEqualTo(5);
    try (var nginx = NginxRtmp.startWithRtmps()) {
      var probe = CompletableFuture.supplyAsync(() -> Ffprobe.bundled().probe(nginx.rtmpUrl("y")));
      try (var publisher = ffmpeg.publishTestSource(nginx.rtmpsUrl("y"), Duration.ofSeconds(8), 1280, 720, 30, 30)) {
        assertH264720pWithAac(probe.get(), publisher);
        assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
      }
    }
  }

  @Test
  void bundledFfmpegPublishesRtmpsToTlsFrontAndHevcAsEnhancedFlv() throws Exception {
    try (var nginx = NginxRtmp.start(); var front = TlsFront.start(nginx.rtmpPort())) {
      String rtmps = "rtmps://127.0.0.1:" + front.port() + "/live/z";
      var probe = CompletableFuture.supplyAsync(() -> Ffprobe.debian().probe(nginx.rtmpUrl("z")));
      try (var publisher = Ffmpeg.bundled().publishTestSource(rtmps, Duration.ofSeconds(8), 640, 360, 30, 30)) {
        assertThat(probe.get().video()).get().extracting(Ffprobe.Stream::codecName).isEqualTo("h264");
      }
    }
    var file = PeerFiles.newDir("hevc").resolve("hevc.flv");
    Ffmpeg.bundled().publishHevcTestSource(file.toString(), Duration.ofSeconds(1), 320, 240, 30, 30)
        .waitForSuccess(Duration.ofSeconds(20));
    // Debian's ffprobe 5.1 predates Enhanced RTMP: it reads this FourCC video as codec id 12 ("vp6f")
    var hevc = Ffprobe.bundled().probe(file.toString()).video().orElseThrow();
    assertThat(hevc.codecName()).isEqualTo("hevc");
    assertThat(Ffprobe.debian().probe(file.toString()).video()).get().extracting(Ffprobe.Stream::codecName)
        .isNotEqualTo("hevc");
  }

  @Test
  void probeOfASilentServerFailsInsteadOfHanging() throws Exception {
    try (var silent = new java.net.ServerSocket(0, 50, FreePort.loopback())) {
      String url = "rtmp://127.0.0.1:" + silent.getLocalPort() + "/live/x";
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> Ffprobe.debian().probe(url, Duration.ofSeconds(2)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("ffprobe-debian");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void stopLeavesNoProcessBehind() {
    FfmpegProcess ffmpeg = Ffmpeg.bundled().start(List.of("-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
        "-f", "null", "-"));
    long pid = ffmpeg.pid();
    int code = ffmpeg.stop();
    assertThat(code).as("'q' ends ffmpeg cleanly\n" + ffmpeg.describe()).isZero();
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("ffmpeg pid " + pid).isEmpty();

    // a peer that ignores SIGTERM still goes (SIGKILL)
    PeerProcess stubborn = PeerProcess.start("ignores-term", List.of("sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"));
    long stubbornPid = stubborn.pid();
    stubborn.stop();
    assertThat(ProcessHandle.of(stubbornPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(PeerReaper.live()).doesNotContain(ffmpeg, stubborn);
  }

  @Test
  void processesReportsCpuAndMemory() {
    var self = Processes.usage(Processes.self());
    assertThat(self.rssBytes()).isGreaterThan(10L << 20);
    assertThat(self.cpuSeconds()).isPositive();
  }

  private static void assertH264720pWithAac(Ffprobe.Probe probe, FfmpegProcess publisher) {
    var video = probe.video().orElseThrow(() -> new AssertionError("no video in " + probe + "\n" + publisher.describe()));
    var audio = probe.audio().orElseThrow(() -> new AssertionError("no audio in " + probe + "\n" + publisher.describe()));
    assertThat(video.codecName()).isEqualTo("h264");
    assertThat(video.width()).isEqualTo(1280);
    assertThat(video.height()).isEqualTo(720);
    assertThat(audio.codecName()).isEqualTo("aac");
    assertThat(audio.sampleRate()).isEqualTo(48000);
  }
}
