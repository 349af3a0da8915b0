package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9725 answers read from status, headers and body: no sockets. */
class WhipResponsesTest {
  private static final URI POSTED = URI.create("https://example.net:8443/whip/endpoint?app=live");
  private static final String ANSWER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

  private static Map<String, List<String>> headers(String... kv) {
    java.util.LinkedHashMap<String, List<String>> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
    }
    return m;
  }

  @Test
  void relativeAndAbsoluteLocationsResolveAgainstThePostedUrl() {
    var rel = WhipResponses.created(POSTED, 201, headers("location", "/whip/resource/abc?x=1", "Content-Type",
        "application/sdp"), ANSWER);
    assertThat(rel.location()).isEqualTo(URI.create("https://example.net:8443/whip/resource/abc?x=1"));
    var same = WhipResponses.created(POSTED, 201, headers("Location", "resource/1"), ANSWER);
    assertThat(same.location()).isEqualTo(URI.create("https://example.net:8443/whip/resource/1"));
    var abs = WhipResponses.created(POSTED, 201, headers("LOCATION", "http://other:9/s/1"), ANSWER);
    assertThat(abs.location()).isEqualTo(URI.create("http://other:9/s/1"));
    assertThat(abs.answerSdp()).isEqualTo(ANSWER);
  }

  @Test
  void aCreatedWithoutLocationOrAnswerIsAClearError() {
    assertThatThrownBy(() -> WhipResponses.created(POSTED, 201, headers("Content-Type", "application/sdp"), ANSWER))
        .isInstanceOf(WhipException.class).hasMessageContaining("without a Location header");
    assertThatThrownBy(() -> WhipResponses.created(POSTED, 201, headers("Location", "/r/1"), ""))
        .hasMessageContaining("no SDP answer");
    assertThatThrownBy(() -> WhipResponses.created(POSTED, 201, headers("Location", "/r/1", "content-type", "text/html"), ANSWER))
        .hasMessageContaining("text/html");
    assertThatThrownBy(() -> WhipResponses.created(POSTED, 200, headers("Location", "/r/1"), ANSWER))
        .hasMessageContaining("200");
  }

  @Test
  void refusalsSayWhatTheServerMeantAndWhetherRetryingHelps() {
    WhipException notFound = catchWhip(404, "stream not found");
    assertThat(notFound).hasMessageContaining("no WHIP endpoint").hasMessageContaining("stream not found");
    assertThat(notFound.transientFailure()).isFalse();
    WhipException auth = catchWhip(401, "");
    assertThat(auth).hasMessageContaining("token").hasMessageContaining("--bearer");
    assertThat(auth.status()).isEqualTo(401);
    assertThat(catchWhip(409, "").getMessage()).contains("already being published");
    assertThat(catchWhip(503, "").transientFailure()).isTrue();
    assertThat(catchWhip(500, "x".repeat(1000)).getMessage()).hasSizeLessThan(300);
  }

  private static WhipException catchWhip(int status, String body) {
    try {
      WhipResponses.created(POSTED, status, headers(), body);
    } catch (WhipException e) {
      return e;
    }
    throw new AssertionError("no exception for " + status);
  }

  @Test
  void linkHeadersCarryIceServersWithCredentials() {
    var h = headers(
        "Link", "<stun:stun.example.net>; rel=\"ice-server\"",
        "link", "<turn:turn.example.net?transport=udp>; rel=\"ice-server\"; username=\"user\"; credential=\"pass\"; "
            + "credential-type=\"password\", <turns:turn.example.net:443?transport=tcp>; rel=ice-server; username=u2; credential=c2",
        "Link", "<https://example.net/doc>; rel=\"help\"",
        "Link", "<stun:ignored.example.net>; rel=\"next\"");
    var servers = WhipResponses.iceServers(h);
    assertThat(servers).extracting(WhipResponses.IceServer::uri).containsExactly("stun:stun.example.net",
        "turn:turn.example.net?transport=udp", "turns:turn.example.net:443?transport=tcp");
    assertThat(servers.get(1).username()).isEqualTo("user");
    assertThat(servers.get(1).credential()).isEqualTo("pass");
    assertThat(servers.get(2).username()).isEqualTo("u2");
    assertThat(servers.get(1).isTurn()).isTrue();
    assertThat(servers.get(1).toString()).doesNotContain("pass");
    var created = WhipResponses.created(POSTED, 201, headers("Location", "/r", "Link",
        "<stun:stun.example.net>; rel=\"ice-server\"", "ETag", "\"xyz\""), ANSWER);
    assertThat(created.iceServers()).hasSize(1);
    assertThat(created.etag()).isEqualTo("\"xyz\"");
  }

  @Test
  void onlyMethodPreservingRedirectsAreFollowed() {
    assertThat(WhipResponses.redirect(POSTED, 307, headers("Location", "/whip/elsewhere")))
        .isEqualTo(URI.create("https://example.net:8443/whip/elsewhere"));
    assertThat(WhipResponses.redirect(POSTED, 308, headers("location", "https://b.example/whip")))
        .isEqualTo(URI.create("https://b.example/whip"));
    assertThat(WhipResponses.redirect(POSTED, 302, headers("Location", "/x"))).isNull();
    assertThat(WhipResponses.redirect(POSTED, 201, headers("Location", "/x"))).isNull();
    assertThatThrownBy(() -> WhipResponses.redirect(POSTED, 307, headers())).hasMessageContaining("without a Location");
  }

  @Test
  void theTokenGoesWithOrWithoutTheBearerPrefix() {
    assertThat(WhipResponses.authorization("s3cret", true)).isEqualTo("Bearer s3cret");
    assertThat(WhipResponses.authorization("s3cret", false)).isEqualTo("s3cret");
  }

  @Test
  void srsJsonApiAnswers() {
    var ok = WhipResponses.srsCreated(POSTED, 200, "{\"code\":0,\"sdp\":\"" + ANSWER.replace("\r\n", "\\r\\n")
        + "\",\"sessionid\":\"a:b\"}", "webrtc://h/live/s");
    assertThat(ok.answerSdp()).isEqualTo(ANSWER);
    assertThatThrownBy(() -> WhipResponses.srsCreated(POSTED, 200, "{\"code\":400}", "webrtc://h/live/s"))
        .hasMessageContaining("code 400");
    assertThatThrownBy(() -> WhipResponses.srsCreated(POSTED, 200, "<html>", "webrtc://h/live/s"))
        .hasMessageContaining("not JSON");
  }

  @Test
  void urlsOfBothKinds() {
    WhipUrl w = WhipUrl.parse("https://example.net/whip/live?token=abc");
    assertThat(w.srsApi()).isFalse();
    assertThat(w.toString()).isEqualTo("https://example.net/whip/live?…").doesNotContain("abc");
    WhipUrl srs = WhipUrl.parse("webrtc://example.net/live/stream1");
    assertThat(srs.srsApi()).isTrue();
    assertThat(srs.endpoint()).isEqualTo(URI.create("http://example.net:1985/rtc/v1/publish/"));
    assertThat(srs.streamUrl()).isEqualTo("webrtc://example.net/live/stream1");
    assertThat(WhipUrl.parse("webrtc://example.net:8080/live/s?schema=https").endpoint())
        .isEqualTo(URI.create("https://example.net:8080/rtc/v1/publish/?schema=https"));
    assertThat(WhipUrl.parse("webrtc://example.net/live/s?schema=https").endpoint().getPort()).isEqualTo(443);
    assertThat(WhipUrl.isWhip("rtmp://x/a/b")).isFalse();
    assertThat(WhipUrl.isWhip("HTTPS://x/whip")).isTrue();
    assertThatThrownBy(() -> WhipUrl.parse("webrtc://example.net/onlyapp")).hasMessageContaining("app/stream");
    assertThatThrownBy(() -> WhipUrl.parse("ftp://example.net/x")).hasMessageContaining("unsupported scheme");
    assertThatThrownBy(() -> WhipUrl.parse("https://user:pw@example.net/x")).hasMessageContaining("--bearer");
    assertThatThrownBy(() -> WhipUrl.parse("")).hasMessageContaining("empty");
  }
}
