package studio.tally.live;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Publisher and TLS reasons rewritten in a streamer's words. The reasons coming in never hold the
 * stream key (RtmpPublisher sanitizes them); the server's own text after "rejected:" may echo it, so
 * it is dropped.
 */
final class StreamerErrors {
  private static final Pattern GAVE_UP = Pattern.compile("gave up after (\\d+) retries: (.*)", Pattern.DOTALL);
  private static final Pattern CANNOT_CONNECT = Pattern.compile("cannot connect to (\\S+): (.*)", Pattern.DOTALL);
  private static final Pattern NOT_TRUSTED = Pattern.compile("certificate not trusted \\(SHA-256 ([0-9A-Fa-f:]+)\\).*", Pattern.DOTALL);

  private StreamerErrors() {}

  /** One destination's reason, e.g. "the server refused the stream key", "cannot reach HOST:PORT". */
  static String destination(String reason) {
    if (reason == null || reason.isBlank()) return "no reason given";
    Matcher m = GAVE_UP.matcher(reason);
    if (m.matches()) return destination(m.group(2)) + " (gave up after " + m.group(1) + " retries)";
    if (reason.startsWith("stream key rejected") || reason.startsWith("connect rejected")) {
      return "the server refused the stream key";
    }
    m = CANNOT_CONNECT.matcher(reason);
    if (m.matches()) return "cannot reach " + m.group(1) + " (" + m.group(2).strip() + ")";
    m = NOT_TRUSTED.matcher(reason);
    if (m.matches()) {
      return "certificate not trusted (SHA-256 " + m.group(1) + "): pin this fingerprint in the destination, "
          + "or allow an untrusted certificate";
    }
    return reason; // already plain: "certificate does not match the pinned fingerprint (...)", timeouts, ...
  }
}
