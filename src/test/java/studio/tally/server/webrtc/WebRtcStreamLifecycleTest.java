package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.server.webrtc.sfu.RtcStream;
import studio.tally.server.webrtc.sfu.RtcSubscriberSession;

/**
 * WebRTC stream lifecycle through a real {@link TallyServer} with {@link WhipTestPeer}s on loopback:
 * audio-only and video-only streams forward; players outlive a publisher that leaves (DELETE,
 * consent timeout) for the grace period and resume with the next one; after the grace they end.
 */
@Timeout(value = 90)
class WebRtcStreamLifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private String base;
  private InetSocketAddress udp;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(long consentMs) throws Exception {
    server = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withRtcConsentTimeoutMs(consentMs)
        .withConfigDir(Files.createTempDirectory("tally-rtc-lifecycle").toString()), "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
    udp = server.webrtc().udpAddress();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  private WhipTestPeer publisher(String stream, boolean audio, boolean video) throws Exception {
    WhipTestPeer p = closeLater(WhipTestPeer.connect(base, udp, WhipTestPeer.Api.WHIP, true, "live", stream, audio, video));
    closeLater(new MediaPump(p, audio, video));
    return p;
  }

  private WhipTestPeer player(String stream) throws Exception {
    return closeLater(WhipTestPeer.connect(base, udp, WhipTestPeer.Api.WHIP, false, "live", stream, true, true));
  }

  /** Reads packets until one of payload type {@code pt} arrives; returns it. */
  private static byte[] awaitPayloadType(WhipTestPeer player, int pt) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      byte[] p = player.awaitRtp(Duration.ofMillis(500));
      if (p != null && (p[1] & 0x7f) == pt) {
        return p;
      }
    }
    throw new AssertionError("no RTP with payload type " + pt + " within " + WAIT);
  }

  private static int ssrc(byte[] rtp) {
    return ByteBuffer.wrap(rtp, 8, 4).getInt();
  }

  private RtcStream stream(String name) {
    return server.rtcStreams().stream(new StreamKey("live", name)).orElseThrow();
  }

  private int delete(String location) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + location)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void audioOnlyPublisherReachesAPlayer() throws Exception {
    start(30_000);
    publisher("aonly", true, false);
    WhipTestPeer player = player("aonly");
    assertThat(player.answer).contains("m=audio 9 ").as("video rejected (its line keeps its format's rtpmap)")
        .contains("m=video 0 ");
    byte[] p = awaitPayloadType(player, WhipTestPeer.AUDIO_PT);
    assertThat(ssrc(p)).as("rewritten SSRC").isNotEqualTo(WhipTestPeer.AUDIO_SSRC);
  }

  @Test
  void videoOnlyPublisherReachesAPlayer() throws Exception {
    start(30_000);
    publisher("vonly", false, true);
    WhipTestPeer player = player("vonly");
    assertThat(player.answer).contains("a=rtpmap:102 H264").as("audio rejected").contains("m=audio 0 ");
    byte[] first = awaitPayloadType(player, WhipTestPeer.VIDEO_PT);
    assertThat(first[12] & 0x1f).as("a player starts at a keyframe (SPS first)").isEqualTo(7);
    assertThat(ssrc(first)).isNotEqualTo(WhipTestPeer.VIDEO_SSRC);
  }

  @Test
  void aReturningPublisherIsPickedUpByThePlayersThatStayed() throws Exception {
    start(30_000);
    WhipTestPeer first = publisher("back", true, true);
    WhipTestPeer player = player("back");
    int videoSsrc = ssrc(awaitPayloadType(player, WhipTestPeer.VIDEO_PT));
    RtcSubscriberSession session = stream("back").subscribers().getFirst();

    assertThat(delete(first.location)).isEqualTo(200);
    await().atMost(WAIT).until(() -> stream("back").publisher() == null);
    closeables.remove(first);
    first.close();
    player.client.srtp.clear();
    assertThat(session.transport().state()).as("the player waits for a publisher").isEqualTo(RtcTransport.State.CONNECTED);

    publisher("back", true, true);
    byte[] resumed = awaitPayloadType(player, WhipTestPeer.VIDEO_PT);
    assertThat(ssrc(resumed)).as("same outgoing SSRC: the player's track simply continues").isEqualTo(videoSsrc);
    assertThat(stream("back").subscribers()).containsExactly(session);
    assertThat(server.webrtc().transportCount()).isEqualTo(2);
  }

  @Test
  void playersEndAfterTheGraceWhenThePublisherLeftByConsentTimeout() throws Exception {
    start(2_000);
    server.rtcStreams().setPublisherGrace(Duration.ofSeconds(1));
    WhipTestPeer pub = closeLater(WhipTestPeer.connect(base, udp, WhipTestPeer.Api.WHIP, true, "live", "gone", true, true));
    MediaPump pump = closeLater(new MediaPump(pub, true, true));
    WhipTestPeer player = player("gone");
    awaitPayloadType(player, WhipTestPeer.VIDEO_PT);
    RtcSubscriberSession session = stream("gone").subscribers().getFirst();
    long expired = server.webrtc().counters().consentExpired.sum();

    pump.close(); // media is consent too (authenticated SRTP): the publisher goes silent altogether
    pub.stopChecks();
    await().atMost(WAIT).until(() -> session.transport().state() == RtcTransport.State.CLOSED);
    assertThat(session.transport().closeReason()).isEqualTo("publisher left");
    assertThat(server.webrtc().counters().consentExpired.sum()).as("only the publisher's consent expired")
        .isEqualTo(expired + 1);
    await().atMost(WAIT).until(() -> server.rtcStreams().stream(new StreamKey("live", "gone")).isEmpty());
    await().atMost(WAIT).until(() -> server.hub().clients().isEmpty());
  }

  @Test
  void rtpOfAnUnknownSsrcIsDroppedAndCounted() throws Exception {
    start(30_000);
    WhipTestPeer pub = publisher("ssrc", true, true);
    WhipTestPeer player = player("ssrc");
    awaitPayloadType(player, WhipTestPeer.VIDEO_PT);
    for (int i = 0; i < 20; i++) {
      pub.sendRtp(WhipTestPeer.VIDEO_PT, 0x0BADBAD0, WhipTestPeer.SPS, true, i);
    }
    await().atMost(WAIT).until(() -> stream("ssrc").stats().unknownSsrc.sum() == 20);
    assertThat(server.counters().get("rtc_unknown_ssrc")).isEqualTo(20L);
    // the stream goes on
    player.client.srtp.clear();
    awaitPayloadType(player, WhipTestPeer.AUDIO_PT);
    assertThat(stream("ssrc").publisher().transport().state()).isEqualTo(RtcTransport.State.CONNECTED);
  }

  /** QA engineers start the player first: it waits, and starts with the publisher's first keyframe. */
  @Test
  void aPlayerWaitsForAPublisherThatIsNotLiveYetOverWhepAndTheSrsApi() throws Exception {
    start(30_000);
    WhipTestPeer whep = player("early");
    WhipTestPeer srs = closeLater(WhipTestPeer.connect(base, udp, WhipTestPeer.Api.SRS_JSON, false, "live", "early", true, true));
    assertThat(whep.answer).as("answered with our preferred codecs").contains("a=rtpmap:102 H264/90000")
        .contains("opus/48000/2");
    assertThat(stream("early").publisher()).isNull();
    assertThat(stream("early").subscribers()).hasSize(2);
    assertThat(whep.awaitRtp(Duration.ofMillis(300))).as("nothing to play yet").isNull();

    publisher("early", true, true);
    for (WhipTestPeer player : List.of(whep, srs)) {
      byte[] first = awaitPayloadType(player, WhipTestPeer.VIDEO_PT);
      assertThat(first[12] & 0x1f).as("starts at a keyframe (SPS first)").isEqualTo(7);
      awaitPayloadType(player, WhipTestPeer.AUDIO_PT);
    }
    assertThat(stream("early").subscribers()).hasSize(2);
  }

  /** The same when the stream then starts over RTMP (FFmpeg): the bridge becomes the waiting player's source. */
  @Test
  void aWaitingPlayerGetsAStreamThatStartsOverRtmp() throws Exception {
    start(30_000);
    WhipTestPeer whep = player("rtmplate");
    assertThat(whep.awaitRtp(Duration.ofMillis(300))).as("nothing to play yet").isNull();
    closeLater(Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + server.boundAddresses().getFirst().getPort()
        + "/live/rtmplate", Duration.ofSeconds(60), 320, 240, 30, 30));
    byte[] first = awaitPayloadType(whep, WhipTestPeer.VIDEO_PT);
    assertThat(first[12] & 0x1f).as("starts at a keyframe: SPS/PPS as STAP-A").isEqualTo(24);
    assertThat(stream("rtmplate").source().origin()).isEqualTo("rtmp");
    assertThat(stream("rtmplate").subscribers()).hasSize(1);
  }

  @Test
  void aWaitingPlayerEndsWhenNoPublisherComesAndAZeroWaitRefusesAtOnce() throws Exception {
    start(30_000);
    server.rtcStreams().setPlayWait(Duration.ofSeconds(1));
    player("never");
    RtcSubscriberSession session = stream("never").subscribers().getFirst();
    await().atMost(WAIT).until(() -> session.transport().state() == RtcTransport.State.CLOSED);
    assertThat(session.transport().closeReason()).isEqualTo("no publisher");
    await().atMost(WAIT).until(() -> server.rtcStreams().stream(new StreamKey("live", "never")).isEmpty());

    server.rtcStreams().setPlayWait(Duration.ZERO);
    try {
      player("never");
      throw new AssertionError("a player of a stream that is not live was accepted with a zero wait");
    } catch (WhipTestPeer.HttpFailure e) {
      assertThat(e.status).isEqualTo(404);
    }
  }
}
