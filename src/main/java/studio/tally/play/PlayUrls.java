package studio.tally.play;

import studio.tally.output.TlsTrust;

/** Checks a command line can make before anything connects: the URL's shape and the TLS options. */
public final class PlayUrls {
  private PlayUrls() {}

  /** @throws IllegalArgumentException saying which URL shapes we play */
  public static void check(String url) {
    PlayUrl.parse(url);
  }

  /** @throws IllegalArgumentException when the pinned fingerprint is malformed */
  public static void checkTls(PlayerOptions options) {
    new TlsTrust(options.tlsFingerprint(), options.insecureTls());
  }
}
