package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * libwebrtc (webrtc-java) as a real peer of our WHIP/WHEP server: a {@link WhipPublisher} sends the test
 * pattern, our server forwards it, a {@link WhepPlayer} decodes it. Everything runs inside a network
 * namespace (libwebrtc ignores loopback), as child processes: see {@link NamespacePeers}.
 */
@ExtendWith(PeerReaper.class)
class WebRtcJavaPeerTest {
  private static final Duration PEER_TIME = Duration.ofSeconds(90);

  @Test
  void webrtcJavaPublishesAndPlaysThroughOurServerOverUdp() {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      var peer = NamespacePeers.peer(ns, "rtcjava-relay-udp", "relay", "--server", NamespacePeers.serverUrl(ns),
          "--stream", "udp", "--seconds", "6", "--warmup-ms", "1000");
      Map<String, String> s = NamespacePeers.summary(peer, PEER_TIME);
      assertDecodedTestPattern(s, server);
      assertThat(s.get("transport")).as("player's selected candidate pair").isEqualTo("udp");
    }
  }

  @Test
  void webrtcJavaPlaysOverIceTcpOnTheHttpPortWhileItServesTheApi() {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "tcp")) {
      var peer = NamespacePeers.peer(ns, "rtcjava-relay-tcp", "relay", "--server", NamespacePeers.serverUrl(ns),
          "--stream", "tcp", "--seconds", "6", "--warmup-ms", "1000", "--check-api");
      Map<String, String> s = NamespacePeers.summary(peer, PEER_TIME);
      assertDecodedTestPattern(s, server);
      assertThat(s.get("transport")).as("player's selected candidate pair").isEqualTo("tcp");
      assertThat(s.get("api_status")).as("GET /api/v1/versions on the port carrying ICE-TCP, mid-stream").isEqualTo("200");
    }
  }

  @Test
  void webrtcJavaPlaysWhatFfmpegsWhipMuxerPublishes() {
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      String whip = NamespacePeers.serverUrl(ns) + "/rtc/v1/whip/?app=live&stream=ffwhip";
      NamespacePeers.awaitServerReady(server);
      // FFmpeg 8.1 offers passive DTLS and waits as the DTLS server; ours is passive too (ice-lite), so it must be active
      var publisher = ns.start("ffmpeg-whip", List.of(ffmpeg.executable().toString(), "-hide_banner", "-loglevel", "info",
          "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
          "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t", "40",
          "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-preset", "ultrafast", "-tune", "zerolatency",
          "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "800k", "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
          "-f", "whip", "-whip_flags", "dtls_active", whip));
      try (publisher) {
        var peer = NamespacePeers.peer(ns, "rtcjava-play-ffwhip", "play", "--server", NamespacePeers.serverUrl(ns),
            "--stream", "ffwhip", "--seconds", "6");
        Map<String, String> s = NamespacePeers.summary(peer, PEER_TIME);
        assertThat(s.get("codec")).as("%s", s).isEqualToIgnoringCase("video/H264");
        assertThat(Long.parseLong(s.get("sized"))).as("frames decoded at FFmpeg's 640x360: %s\n%s", s, publisher.describe())
            .isGreaterThanOrEqualTo(10);
        assertThat(Long.parseLong(s.get("audio_packets"))).as("Opus packets: %s", s).isGreaterThan(50);
        assertThat(server.isAlive()).as("server survives").isTrue();
      }
    }
  }

  @Test
  void playingAStreamNobodyPublishesIsRefusedWithTheServersMessage() { // with no play wait (the default waits 30 s)
    try (NetNamespace ns = NetNamespace.create();
        PeerProcess server = NamespacePeers.server(ns, "udp", "--rtc-play-wait-ms", "0")) {
      var peer = NamespacePeers.peer(ns, "rtcjava-play-unknown", "play-unknown", "--server", NamespacePeers.serverUrl(ns),
          "--stream", "nobody");
      Map<String, String> s = NamespacePeers.summary(peer, PEER_TIME);
      assertThat(s.get("refused")).isEqualTo("404");
      assertThat(NamespacePeers.stdout(peer)).contains("REFUSED status=404 message=no WebRTC stream live/nobody");
      assertThat(server.isAlive()).as("server survives").isTrue();
    }
  }

  private static void assertDecodedTestPattern(Map<String, String> s, PeerProcess server) {
    assertThat(s.get("codec")).as("negotiated codec").isEqualToIgnoringCase("video/H264");
    assertThat(Long.parseLong(s.get("sized"))).as("frames decoded at the published 640x360: %s", s).isGreaterThanOrEqualTo(10);
    assertThat(Long.parseLong(s.get("samples"))).as("frames whose burnt-in time code read back: %s", s).isGreaterThanOrEqualTo(10);
    assertThat(Long.parseLong(s.get("audio_packets"))).as("Opus packets received: %s", s).isGreaterThan(50);
    assertThat(server.isAlive()).as("server survives").isTrue();
  }
}
