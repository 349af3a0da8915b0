package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerReaper;

/**
 * The publisher takeover rule (hub.LiveStream.publish): a stale publisher (nothing for 1.5 s) or one
 * presenting the same token is replaced at once and players stay on; anyone else is refused. And the
 * publish token: without it nobody publishes.
 */
@ExtendWith(PeerReaper.class)
class PublisherTakeoverTest {
  private static final String TOKEN = "s3cret-Token";
  private static ServerFixture open;
  private static ServerFixture guarded;

  @BeforeAll
  static void startServers() {
    open = ServerFixture.start();
    guarded = ServerFixture.start(c -> c.withPublishToken(TOKEN));
  }

  @AfterAll
  static void stopServers() {
    if (open != null) {
      open.close();
    }
    if (guarded != null) {
      guarded.close();
    }
  }

  @Test
  void aStalePublisherIsTakenOverAndThePlayerContinuesMonotonically() throws Exception {
    FfmpegProcess a = Ffmpeg.bundled().publishTestSource(open.rtmp("live/t"), Duration.ofSeconds(60), 640, 360, 30, 30);
    open.awaitLive("live", "t");
    String aId = publisherId(open, "t");
    try (FlvPull player = FlvPull.open(open.port, false, "/live/t.flv")) {
      await().atMost(Duration.ofSeconds(15)).until(() -> player.keyframes.get() >= 2);
      signal("STOP", a.pid());
      Thread.sleep(2000); // A is now stale (nothing for more than 1.5 s)
      long headers = player.videoSequenceHeaders.get();
      long keyframes = player.keyframes.get();
      long maxTs = player.maxTs;

      long t0 = System.nanoTime();
      try (FfmpegProcess b = Ffmpeg.bundled().publishTestSource(open.rtmp("live/t"), Duration.ofSeconds(60), 640, 360,
          30, 30)) {
        await("B takes over").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .until(() -> !publisherIdOrEmpty(open, "t").equals(aId) && !publisherIdOrEmpty(open, "t").isEmpty());
        double takeoverMs = (System.nanoTime() - t0) / 1e6;
        await("B's sequence header and keyframes reach the player").atMost(Duration.ofSeconds(10))
            .until(() -> player.videoSequenceHeaders.get() > headers && player.keyframes.get() >= keyframes + 2);
        System.out.printf("takeover: B accepted %.0f ms after its start; player at %s%n", takeoverMs, player);
        assertThat(player.maxTs).as("the timeline continued past A's last timestamp").isGreaterThan(maxTs);
        assertThat(player.backwards()).as("timestamps never go backwards: " + player).isEmpty();
        assertThat(player.error()).as(player.toString()).isNull();
        assertThat(player.sawEof()).isFalse();
        assertThat(b.isAlive()).as(b.describe()).isTrue();
        JsonNode stream = OnePortEndToEndTest.find(open.api("/api/v1/streams").get("streams"), "name", "t");
        assertThat(stream.get("publisher_takeovers").asInt()).isEqualTo(1);
        assertThat(open.clients("fmle-publish", "t")).hasSize(1);
        assertThat(open.clients("flv-play", "t")).hasSize(1);
      }
    } finally {
      a.kill();
    }
  }

  @Test
  void aSecondPublisherOfALiveStreamIsRefusedAndTheFirstIsUndisturbed() throws Exception {
    try (FfmpegProcess a = Ffmpeg.bundled().publishTestSource(open.rtmp("live/busy"), Duration.ofSeconds(60), 320, 240,
        30, 30);
        FlvPull player = startPlayer(open, "busy")) {
      String aId = publisherId(open, "busy");
      try (RawRtmp b = RawRtmp.open(open.port)) {
        b.connect("live", open.rtmp("live"));
        assertThat(b.publish("busy")).isEqualTo(RtmpCommands.PUBLISH_BAD_NAME);
        var status = b.commands().getLast();
        assertThat(status.arg(0).toString()).contains("already being published");
        assertThat(b.awaitClosed(Duration.ofSeconds(10))).isTrue();
      }
      // and a real FFmpeg as the intruder
      FfmpegProcess c = Ffmpeg.debian().publishTestSource(open.rtmp("live/busy"), Duration.ofSeconds(30), 320, 240, 30, 30);
      assertThat(c.waitFor(Duration.ofSeconds(20))).as(c.describe()).isNotZero();
      long bytes = player.bytes.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> player.bytes.get() > bytes + 10_000);
      assertThat(publisherId(open, "busy")).isEqualTo(aId);
      assertThat(a.isAlive()).as(a.describe()).isTrue();
      assertThat(player.error()).isNull();
      assertThat(player.videoSequenceHeaders.get()).as("no second publisher's headers: " + player).isEqualTo(1);
      assertThat(player.backwards()).isEmpty();
    }
  }

  @Test
  void publishTokenIsRequiredAndTheSameTokenTakesOverAtOnce() throws Exception {
    assertThat(rawPublish("live", "tk")).isEqualTo("NetStream.Publish.Unauthorized");
    assertThat(rawPublish("live", "tk?token=wrong")).isEqualTo("NetStream.Publish.Unauthorized");
    assertThat(rawPublish("live?token=wrong", "tk")).isEqualTo("NetStream.Publish.Unauthorized");
    assertThat(guarded.server.hub().streams()).isEmpty();
    // the token on the app (tcUrl) works too
    try (RawRtmp viaApp = RawRtmp.open(guarded.port)) {
      viaApp.connect("live?token=" + TOKEN, guarded.rtmp("live?token=" + TOKEN));
      assertThat(viaApp.publish("viaapp")).isEqualTo(RtmpCommands.PUBLISH_START);
    }
    FfmpegProcess wrong = Ffmpeg.bundled().publishTestSource(guarded.rtmp("live/tk?token=nope"), Duration.ofSeconds(20),
        320, 240, 30, 30);
    assertThat(wrong.waitFor(Duration.ofSeconds(20))).as(wrong.describe()).isNotZero();

    // FFmpeg with ?token= on the stream name publishes
    FfmpegProcess a = Ffmpeg.bundled().publishTestSource(guarded.rtmp("live/tk?token=" + TOKEN), Duration.ofSeconds(60),
        320, 240, 30, 30);
    try (FlvPull player = startPlayer(guarded, "tk")) {
      String aId = publisherId(guarded, "tk");
      // same token while A is live and sending: takes over at once
      FfmpegProcess b = Ffmpeg.debian().publishTestSource(guarded.rtmp("live/tk?token=" + TOKEN), Duration.ofSeconds(60),
          320, 240, 30, 30);
      await("B with the same token takes over").atMost(Duration.ofSeconds(10))
          .until(() -> !publisherIdOrEmpty(guarded, "tk").equals(aId) && !publisherIdOrEmpty(guarded, "tk").isEmpty());
      int aExit = a.waitFor(Duration.ofSeconds(15));
      System.out.println("publisher A after a same-token takeover exited with " + aExit);
      long headers = player.videoSequenceHeaders.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> player.videoSequenceHeaders.get() >= 2 && player.keyframes.get() >= 2);
      assertThat(player.backwards()).as(player.toString()).isEmpty();
      assertThat(player.error()).isNull();
      assertThat(b.isAlive()).as(b.describe()).isTrue();
      System.out.println("headers seen " + headers + " then " + player);
      b.stop();
    } finally {
      a.kill();
    }
  }

  private static String rawPublish(String app, String name) {
    try (RawRtmp c = RawRtmp.open(guarded.port)) {
      c.connect(app, guarded.rtmp(app));
      String code = c.publish(name);
      if (!code.equals(RtmpCommands.PUBLISH_START)) {
        assertThat(c.awaitClosed(Duration.ofSeconds(10))).as("refused publisher is disconnected").isTrue();
      }
      return code;
    }
  }

  private static FlvPull startPlayer(ServerFixture f, String name) {
    f.awaitLive("live", name);
    FlvPull p = FlvPull.open(f.port, false, "/live/" + name + ".flv");
    await().atMost(Duration.ofSeconds(15)).until(() -> p.keyframes.get() >= 1);
    return p;
  }

  private static String publisherId(ServerFixture f, String name) {
    List<JsonNode> pubs = f.clients("fmle-publish", name);
    assertThat(pubs).hasSize(1);
    return pubs.getFirst().get("id").asText();
  }

  private static String publisherIdOrEmpty(ServerFixture f, String name) {
    for (JsonNode s : f.api("/api/v1/streams").get("streams")) {
      if (s.get("name").asText().equals(name)) {
        return s.get("publish").get("cid").asText();
      }
    }
    return "";
  }

  static void signal(String sig, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }
}
