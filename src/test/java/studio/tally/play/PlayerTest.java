package studio.tally.play;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerReaper;

/**
 * The Player API on its own: FFmpeg 8.1 publishes HEVC over Enhanced RTMP to our server, and
 * players over RTMP and HTTP-FLV hand decoded pictures (with ARGB pixels) to their listeners and
 * count every one of them.
 */
@ExtendWith(PeerReaper.class)
class PlayerTest {

  private static TallyServer server() throws Exception {
    ServerConfig cfg = ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0"))
        .withConfigDir(Files.createTempDirectory("tally-player-test").toString());
    return TallyServer.start(cfg, "0.1.0-test");
  }

  /** Keeps the first picture's ARGB pixels and counts the pictures it was lent. */
  private static final class Pictures implements PlayerListener {
    final AtomicReference<int[]> first = new AtomicReference<>();
    final List<String> sizes = new CopyOnWriteArrayList<>();

    @Override
    public void onPicture(studio.tally.media.decode.DecodedPicture p) {
      sizes.add(p.width() + "x" + p.height());
      if (first.get() == null) {
        int[] argb = new int[p.width() * p.height()];
        p.toArgb(argb);
        first.set(argb);
      }
    }
  }

  @Test
  void hevcOverEnhancedRtmpPlaysOverRtmpAndFlvWithPicturesForAWindow() throws Exception {
    try (TallyServer server = server()) {
      int port = server.boundAddresses().getFirst().getPort();
      try (FfmpegProcess ffmpeg = Ffmpeg.bundled().publishHevcTestSource("rtmp://127.0.0.1:" + port + "/live/hevc",
          Duration.ofSeconds(30), 320, 240, 25, 25)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !ffmpeg.isAlive() || server.hub().stream(new StreamKey("live", "hevc"))
            .map(s -> s.hasVideo() && s.publisher() != null).orElse(false));
        var overRtmp = new Pictures();
        var overFlv = new Pictures();
        try (Player rtmp = Player.open("rtmp://127.0.0.1:" + port + "/live/hevc", PlayerOptions.defaults(), overRtmp);
            Player flv = Player.open("http://127.0.0.1:" + port + "/live/hevc.flv", PlayerOptions.defaults(), overFlv)) {
          await().atMost(Duration.ofSeconds(30)).until(() -> rtmp.failure().isPresent() || flv.failure().isPresent()
              || rtmp.report().frames() >= 50 && flv.report().frames() >= 50);
          for (var p : List.of(rtmp, flv)) {
            assertThat(p.failure()).isEmpty();
            assertThat(p.isPlaying()).isTrue();
            QaReport r = p.report();
            assertThat(r.videoCodec()).isEqualTo("H265");
            assertThat(r.resolutions()).containsExactly("320x240");
            assertThat(r.droppedFrames()).isZero();
            assertThat(r.audioCodec()).isEqualTo("AAC");
            assertThat(r.audioSamples()).isPositive();
          }
          for (var pictures : List.of(overRtmp, overFlv)) {
            assertThat(pictures.sizes).hasSizeGreaterThanOrEqualTo(50).containsOnly("320x240");
            int[] argb = pictures.first.get();
            assertThat(java.util.Arrays.stream(argb).allMatch(px -> px >>> 24 == 0xFF)).as("opaque ARGB").isTrue();
            assertThat(java.util.Arrays.stream(argb).distinct().count()).as("testsrc2 is not one colour").isGreaterThan(10);
          }
          // headless or not, the listener saw exactly the pictures the report counts
          assertThat((long) overRtmp.sizes.size()).isLessThanOrEqualTo(rtmp.report().frames());
        }
        ffmpeg.stop();
      }
    }
  }

  @Test
  void aMissingStreamIsNotFoundBeforePlaying() throws Exception {
    try (TallyServer server = server()) {
      int port = server.boundAddresses().getFirst().getPort();
      try (Player p = Player.open("http://127.0.0.1:" + port + "/live/nothing.flv", PlayerOptions.defaults(), null)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> p.failure().isPresent());
        assertThat(p.failure().orElseThrow().kind()).isEqualTo(PlayFailure.Kind.NOT_FOUND);
        assertThat(p.failure().orElseThrow().beforePlaying()).isTrue();
      }
    }
  }

  @Test
  void aMalformedPinIsRefusedWithWhatAPinLooksLike() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Player.open("https://127.0.0.1:1/live/s.flv",
            PlayerOptions.defaults().withTls("abc", false), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS fingerprint must be 32 bytes of SHA-256");
  }
}
