package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The browser call page's route: {@code /call/} and {@code /call/<room>} serve the page; bad paths and methods are refused. */
class CallPageRouteTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(ServerFixture s, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port + path)).timeout(Duration.ofSeconds(60))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheSelfContainedCallPageForARoomAndRefusesTheRest() throws Exception {
    try (ServerFixture s = ServerFixture.start()) {
      for (String path : new String[] {"/call", "/call/", "/call/my-room", "/call/my-room/?name=ann&mode=p2p"}) {
        HttpResponse<String> r = send(s, "GET", path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.body()).contains("/sig/v1/rtc", "/rtc/v1/", "getUserMedia");
        // our own code only: nothing loaded from elsewhere
        assertThat(r.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
      }
      assertThat(send(s, "HEAD", "/call/r").statusCode()).isEqualTo(200);
      assertThat(send(s, "POST", "/call/r").statusCode()).isEqualTo(405);
      assertThat(send(s, "DELETE", "/call/").statusCode()).isEqualTo(405);
      assertThat(send(s, "GET", "/call/..").statusCode()).as("dot segments, refused by the router").isEqualTo(400);
      for (String bad : new String[] {"/call/a/b", "/call/.hidden", "/call/-x", "/call/" + "x".repeat(300)}) {
        HttpResponse<String> r = send(s, "GET", bad);
        assertThat(r.statusCode()).as(bad).isEqualTo(404);
        assertThat(r.body()).contains("/call/<room>");
      }
      assertThat(send(s, "GET", "/api/v1/versions").statusCode()).as("the server still answers").isEqualTo(200);
    }
  }
}
