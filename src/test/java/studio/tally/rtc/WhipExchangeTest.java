package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.testing.PeerFiles;

/** The WHIP/WHEP HTTP exchange against our real server on loopback (no libwebrtc needed for these cases). */
class WhipExchangeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static TallyServer server;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    server = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withConfigDir(PeerFiles.newDir("whip-exchange").toString()), "0.1.0-test");
    base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void playingAnUnknownStreamIsRefusedWithTheServersMessage() {
    server.rtcStreams().setPlayWait(java.time.Duration.ZERO); // else the player waits for a publisher
    var exchange = new WhipExchange(URI.create(base + "/whep/live/nobody"), null, TIMEOUT);
    assertThatThrownBy(() -> exchange.answer(minimalOffer()))
        .isInstanceOfSatisfying(RtcException.Refused.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.serverMessage()).isEqualTo("no WebRTC stream live/nobody is being published");
          assertThat(e.getMessage()).startsWith("POST " + base + "/whep/live/nobody -> HTTP 404: no WebRTC stream");
        });
    assertThat(exchange.resource()).isEmpty();
    exchange.end(); // nothing to delete: must not throw
  }

  @Test
  void aBrokenOfferIsRefusedAsBadRequest() {
    var exchange = new WhipExchange(URI.create(base + "/whip/live/broken"), null, TIMEOUT);
    assertThatThrownBy(() -> exchange.answer("this is not SDP"))
        .isInstanceOfSatisfying(RtcException.Refused.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.serverMessage()).isNotBlank();
        });
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int port;
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var exchange = new WhipExchange(URI.create("http://127.0.0.1:" + port + "/whip/live/x"), null, TIMEOUT);
    assertThatThrownBy(() -> exchange.answer(minimalOffer())).isInstanceOf(RtcException.Unreachable.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void onlyHttpEndpointsAreAccepted() {
    assertThatThrownBy(() -> new WhipExchange(URI.create("webrtc://127.0.0.1/live/x"), null, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)://");
  }

  private static String minimalOffer() {
    return String.join("\r\n", "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=mid:0", "a=recvonly", "a=rtcp-mux",
        "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx", "a=setup:actpass",
        "a=fingerprint:sha-256 " + "AB:".repeat(31) + "AB", "a=rtpmap:96 H264/90000",
        "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "");
  }
}
