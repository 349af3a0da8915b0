package studio.tally.live;

import java.util.List;
import java.util.function.Consumer;
import studio.tally.output.WhipOptions;
import studio.tally.rtc.CallSession;

/**
 * The checks of an ICE servers field (the call window's Connection section, a WHIP destination's
 * dialog): URLs as {@link Call.Connection#iceServerList} splits them, the first problem in words.
 * A call hands them to libwebrtc, a WHIP destination to our own TURN client, which needs
 * credentials in every TURN URL.
 */
public final class IceServerChecks {
  private IceServerChecks() {}

  /** For a call (libwebrtc): the first problem, or null. */
  public static String forCall(List<String> urls) {
    return first(urls, CallSession::checkIceServer);
  }

  /** For a WHIP destination (our ICE agent and TURN client): the first problem, or null. */
  public static String forWhip(List<String> urls) {
    return first(urls, WhipOptions::checkIceServer);
  }

  /**
   * For the embedded server's Link headers ({@code tally serve --ice-server}, {@code --turn-secret}):
   * the problem, or null. TURN URLs need USER:PASS@ unless {@code turnSecret} is set.
   */
  public static String forServer(List<String> urls, String turnSecret) {
    try {
      studio.tally.server.http.IceServerLinks.of(urls, turnSecret == null || turnSecret.isEmpty() ? null : turnSecret);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String first(List<String> urls, Consumer<String> check) {
    for (String url : urls) {
      try {
        check.accept(url);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return null;
  }
}
