package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.http.IceServerLinks;

/**
 * {@code tally serve --ice-server}: the STUN/TURN servers go to WHIP and WHEP clients as RFC 9725
 * {@code Link} headers on the 201 and on the OPTIONS answer, TURN with fresh REST credentials when a
 * secret is set; a server without ICE servers sends none.
 */
@Timeout(60)
class WhipLinkHeadersTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void createdAndOptionsCarryTheIceServers() throws Exception {
    var links = new IceServerLinks(List.of("stun:198.18.0.1:3478", "turn:198.18.0.1:3478?transport=tcp"), "s3cret", 600L);
    try (TallyServer server = start(links)) {
      String base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
      for (String path : List.of("/rtc/v1/whip/?app=live&stream=a", "/whep/live/a")) {
        HttpResponse<String> options = send(base + path, "OPTIONS", null);
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().allValues("Link")).as(path).hasSize(2);
        assertThat(options.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Link");
      }
      long before = System.currentTimeMillis() / 1000;
      String offer = WhipTestPeer.offer("tUfrag", "whip-test-password-0123456789", true, true, true);
      HttpResponse<String> created = send(base + "/rtc/v1/whip/?app=live&stream=linked", "POST", offer);
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      List<String> link = created.headers().allValues("Link");
      assertThat(link).hasSize(2);
      assertThat(link.get(0)).isEqualTo("<stun:198.18.0.1:3478>; rel=\"ice-server\"");
      assertThat(link.get(1)).startsWith("<turn:198.18.0.1:3478?transport=tcp>; rel=\"ice-server\"; username=\"")
          .contains("credential-type=\"password\"").doesNotContain("s3cret");
      String user = link.get(1).replaceAll(".*username=\"([^\"]*)\".*", "$1");
      long expiry = Long.parseLong(user.substring(0, user.indexOf(':')));
      assertThat(expiry).isBetween(before + 600, System.currentTimeMillis() / 1000 + 600);
      assertThat(link.get(1)).contains("credential=\"" + IceServerLinks.restCredential("s3cret", user) + "\"");
      assertThat(send(base + "/rtc/v1/whep/?app=live&stream=linked", "POST",
          WhipTestPeer.offer("pUfrag", "whep-test-password-0123456789", false, true, true)).headers().allValues("Link"))
          .hasSize(2);
    }
    try (TallyServer server = start(IceServerLinks.NONE)) {
      String base = "http://127.0.0.1:" + server.boundAddresses().getFirst().getPort();
      HttpResponse<String> created = send(base + "/rtc/v1/whip/?app=live&stream=plain", "POST",
          WhipTestPeer.offer("tUfrag", "whip-test-password-0123456789", true, true, true));
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.headers().allValues("Link")).isEmpty();
    }
  }

  private static TallyServer start(IceServerLinks links) throws Exception {
    return TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
        .withRtcProtocol("udp").withIceServers(links)
        .withConfigDir(Files.createTempDirectory("tally-links").toString()), "0.1.0-test");
  }

  private HttpResponse<String> send(String url, String method, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/sdp")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
