package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.server.hub.StreamKey;

/**
 * RTMP connections that stop talking are not held forever: one that never gets to publish or play,
 * and a publisher that goes silent (its stream then ends for its players). Players may be silent.
 */
class SilentRtmpClientsTest {
  private static final Duration IDLE = Duration.ofMillis(1500);
  private static ServerFixture server;

  @BeforeAll
  static void start() {
    server = ServerFixture.start(c -> c.withRtmpIdleTimeoutMs(IDLE.toMillis()));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aClientThatOnlyHandshakesIsClosed() {
    try (RawRtmp c = RawRtmp.open(server.port).handshake()) {
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatOnlyConnectsIsClosed() {
    try (RawRtmp c = RawRtmp.open(server.port).connect("live", server.rtmp("live"))) {
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aSilentPublisherIsClosedAndItsStreamEnds() {
    try (RawRtmp c = RawRtmp.open(server.port).connect("live", server.rtmp("live"))) {
      assertThat(c.publish("quiet")).isEqualTo(RtmpCommands.PUBLISH_START);
      assertThat(server.server.hub().stream(new StreamKey("live", "quiet"))).isPresent();
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> server.server.hub().stream(new StreamKey("live", "quiet")).isEmpty());
    }
  }
}
