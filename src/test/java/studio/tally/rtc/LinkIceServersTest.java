package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Link headers of a WHIP/WHEP answer (RFC 9725 §4.6) as ICE servers, and webrtc:// as SRS's API URL. */
class LinkIceServersTest {

  @Test
  void stunAndTurnLinksWithCredentialsInOneOrSeveralHeaders() {
    var servers = LinkIceServers.parse(List.of(
        "<stun:stun.example.net>; rel=\"ice-server\"",
        "<turn:turn.example.net?transport=udp>; rel=\"ice-server\"; username=\"user\"; credential=\"p;a,ss\"; "
            + "credential-type=\"password\", <https://example.net/other>; rel=\"next\", <turns:t.example.net:5349>; rel=ice-server"));
    assertThat(servers).hasSize(3);
    assertThat(servers.get(0).urls).containsExactly("stun:stun.example.net");
    assertThat(servers.get(0).username).isNull();
    assertThat(servers.get(1).urls).containsExactly("turn:turn.example.net?transport=udp");
    assertThat(servers.get(1).username).isEqualTo("user");
    assertThat(servers.get(1).password).isEqualTo("p;a,ss");
    assertThat(servers.get(2).urls).containsExactly("turns:t.example.net:5349");
  }

  @Test
  void linksOfOtherRelationsOrSchemesAreIgnored() {
    assertThat(LinkIceServers.parse(List.of("<https://x>; rel=\"ice-server\"", "<stun:x>; rel=\"alternate\"", "garbage", "")))
        .isEmpty();
  }

  @Test
  void webrtcUrlsMapToSrsPlayApi() {
    assertThat(SrsApiExchange.apiUrl("webrtc://example.net/live/s", true))
        .hasToString("http://example.net:1985/rtc/v1/play/");
    assertThat(SrsApiExchange.apiUrl("webrtc://example.net:8080/live/s?eip=1.2.3.4", true))
        .hasToString("http://example.net:8080/rtc/v1/play/?eip=1.2.3.4");
    assertThat(SrsApiExchange.apiUrl("webrtc://example.net/live/s?schema=https", false))
        .hasToString("https://example.net:443/rtc/v1/publish/?schema=https");
    assertThatThrownBy(() -> SrsApiExchange.apiUrl("webrtc://example.net/only", true)).hasMessageContaining("/app/stream");
    assertThatThrownBy(() -> SrsApiExchange.apiUrl("http://example.net/live/s", true)).hasMessageContaining("webrtc://");
  }
}
