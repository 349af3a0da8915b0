package studio.tally.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Headless Chromium inside a {@link NetNamespace} (so its WebRTC peers are on the namespace's veth, beside
 * webrtc-java peers that ignore loopback), with fake camera and microphone, opening one page. A test in the
 * root namespace cannot reach a driver port inside, so the page reports itself: with {@code report=console}
 * our pages log {@code TALLYSTATE <json>} lines, which Chromium writes to its stderr ({@link #state}).
 * The page's origin is treated as secure, so getUserMedia works on plain http to a namespace address.
 */
public final class ChromiumPage {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MARK = "\"TALLYSTATE ";

  private ChromiumPage() {}

  /** Starts Chromium in {@code ns} on {@code url} (http://host:port/...); fails if Chromium is missing. */
  public static PeerProcess open(NetNamespace ns, String name, String url) {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new PeerMissing("Chromium (" + CHROMIUM + ")", "chromium", "not installed");
    }
    String origin = url.replaceFirst("^(https?://[^/]+).*$", "$1");
    Path profile = PeerFiles.newDir("chromium-" + name);
    return ns.start(name, List.of(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--unsafely-treat-insecure-origin-as-secure=" + origin, "--autoplay-policy=no-user-gesture-required",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-dev-shm-usage",
        "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile, url));
  }

  /** The page's last reported state, if it reported any. */
  public static Optional<JsonNode> state(PeerProcess chromium) {
    List<String> lines;
    try {
      lines = Files.readAllLines(chromium.stderrFile());
    } catch (IOException e) {
      return Optional.empty();
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      String l = lines.get(i);
      int a = l.indexOf(MARK);
      int z = l.lastIndexOf("\", source:");
      if (a >= 0 && z > a) {
        try {
          return Optional.of(JSON.readTree(l.substring(a + MARK.length(), z)));
        } catch (IOException e) {
          // a line cut short while being written: take an earlier one
        }
      }
    }
    return Optional.empty();
  }
}
