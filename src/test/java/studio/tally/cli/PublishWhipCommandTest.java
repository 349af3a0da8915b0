package studio.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;

/**
 * {@code tally publish --to <WHIP>} as a child process against our server in this JVM: RTMP and WHIP
 * from one encode at once, DELETE on stop, and the refusals (404, 401, a Location-less 201) said
 * clearly with exit code 3.
 */
@ExtendWith(PeerReaper.class)
class PublishWhipCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // libx264 directly: probing the hardware encoders first costs seconds on a loaded machine
  private static final String[] COMMON = {"--source", "test", "--size", "320x240", "--fps", "15", "--bitrate", "400",
      "--encoder", "libx264", "--stats-interval", "1", "--connect-timeout", "90"};

  private static String[] args(String... more) {
    List<String> a = new ArrayList<>(List.of("publish"));
    a.addAll(List.of(COMMON));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static List<String> clientTypes(InProcessServer s) throws Exception {
    var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port + "/api/v1/clients"))
        .build(), HttpResponse.BodyHandlers.ofString());
    List<String> types = new ArrayList<>();
    JSON.readTree(r.body()).path("clients").forEach(c -> types.add(c.path("type").asText()));
    return types;
  }

  @Test
  void rtmpAndWhipFromOneEncodeAtOnceThenDeleteOnStop() throws Exception {
    try (var ours = InProcessServer.start(0, PeerFiles.newDir("tally-whip-cli"), c -> c.withPublishToken("s3cret"))) {
      String whip = "http://127.0.0.1:" + ours.port + "/rtc/v1/whip/?app=live&stream=w";
      PeerProcess tally = TallyCli.start(args("--to", ours.rtmp("live/r?token=s3cret"), "--to", whip, "--bearer", "s3cret",
          "--duration", "20"));
      ours.awaitLive("live", "r", Duration.ofSeconds(120), () -> !tally.isAlive());
      await("the WHIP publisher at our server").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> !tally.isAlive() || clientTypes(ours).contains("rtc-publish"));
      assertThat(tally.isAlive()).as(TallyCli.describe(tally)).isTrue();
      assertThat(tally.waitFor(Duration.ofSeconds(120))).as(TallyCli.describe(tally)).isZero();
      List<String> out = TallyCli.stdout(tally);
      assertThat(out.stream().filter(l -> l.startsWith("encoder: ")).count()).as("one encode").isEqualTo(1);
      assertThat(out).as(TallyCli.describe(tally)).anyMatch(l -> l.startsWith("http://127.0.0.1:" + ours.port
          + "/rtc/v1/whip/?…: live, ") && l.contains("rtt ") && !l.contains("rtt n/a"));
      assertThat(out).anyMatch(l -> l.startsWith("rtmp://127.0.0.1:" + ours.port) && l.contains(": live, "));
      assertThat(String.join("\n", out)).doesNotContain("s3cret");
      // the DELETE went out when the command stopped: the server no longer has the WHIP session
      await("WHIP session deleted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> !clientTypes(ours).contains("rtc-publish"));
    }
  }

  @Test
  void refusalsAreClearErrors() throws Exception {
    AtomicInteger posts = new AtomicInteger();
    HttpServer noLocation = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    noLocation.createContext("/whip", ex -> {
      posts.incrementAndGet();
      byte[] body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/sdp");
      ex.sendResponseHeaders(201, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    noLocation.start();
    try (var ours = InProcessServer.start(0, PeerFiles.newDir("tally-whip-cli-bad"), c -> c.withPublishToken("s3cret"))) {
      String base = "http://127.0.0.1:" + ours.port;
      // one child at a time: three JVMs encoding at once starve a shared two-core machine
      List<Object[]> cases = List.of(
          new Object[] {new String[] {"--to", base + "/no/such/endpoint"}, "404"},
          new Object[] {new String[] {"--to", base + "/rtc/v1/whip/?app=live&stream=t", "--bearer", "wrong"}, "401"},
          new Object[] {new String[] {"--to", "http://127.0.0.1:" + noLocation.getAddress().getPort() + "/whip"},
              "without a Location header"});
      for (Object[] c : cases) {
        List<String> a = new ArrayList<>(List.of((String[]) c[0]));
        a.addAll(List.of("--duration", "30"));
        PeerProcess p = TallyCli.start(args(a.toArray(String[]::new)));
        assertThat(p.waitFor(Duration.ofSeconds(120))).as(TallyCli.describe(p)).isEqualTo(3);
        List<String> errors = p.stderrLines().stream().filter(l -> l.startsWith("tally publish: ")).toList();
        System.out.println("whip refusal: " + errors);
        assertThat(errors).as(TallyCli.describe(p)).singleElement().asString().contains((String) c[1]);
        assertThat(p.stderrLines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
      }
      assertThat(posts.get()).as("a refusal is not retried").isEqualTo(1);
    } finally {
      noLocation.stop(0);
    }
  }
}
