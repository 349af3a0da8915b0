package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerReaper;

/**
 * HTTP-FLV players of a server that batches media (here pinned to 100 ms, so every batch holds several
 * tags): each player gets a batch as one buffer, the batch's FLV tags laid end to end and shared by the
 * players of a loop (hub.TagRun). FFmpeg publishes over RTMP; plain and TLS players read the stream tag
 * by tag, checking every PreviousTagSize and that timestamps never go backwards.
 */
@ExtendWith(PeerReaper.class)
class FlvMergedWritesTest {

  @Test
  void playersOfABatchingServerReadWholeTagsInOrderOverHttpAndHttps() throws Exception {
    try (ServerFixture server = ServerFixture.start(c -> c.withMergeWriteMs(100));
        FfmpegProcess publisher = Ffmpeg.bundled().publishTestSource(server.rtmp("live/m"), Duration.ofSeconds(60),
            640, 360, 30, 30)) {
      server.awaitLive("live", "m");
      List<FlvPull> players = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          players.add(FlvPull.open(server.port, i % 3 == 2, "/live/m.flv"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> players.stream().allMatch(p -> p.keyframes.get() >= 3
            || p.error() != null || p.sawEof()));
        for (FlvPull p : players) {
          assertThat(p.status()).as(p.toString()).isEqualTo(200);
          assertThat(p.error()).as(p.toString()).isNull();
          assertThat(p.sawEof()).as(p.toString()).isFalse();
          assertThat(p.backwards()).as(p.toString()).isEmpty();
          assertThat(p.keyframes.get()).as(p.toString()).isGreaterThanOrEqualTo(3);
          assertThat(p.audioTags.get()).as(p.toString()).isPositive();
          assertThat(p.videoSequenceHeaders.get()).as(p.toString()).isPositive();
        }
        assertThat(publisher.isAlive()).as(publisher.describe()).isTrue();
      } finally {
        players.forEach(FlvPull::close);
      }
    }
  }
}
