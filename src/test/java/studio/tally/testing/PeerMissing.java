package studio.tally.testing;

/**
 * A real peer the tests need is not installed or does not start. Tests fail with this (never skip),
 * naming the Debian package that provides the peer.
 */
public final class PeerMissing extends AssertionError {
  public PeerMissing(String what, String debianPackage, String detail) {
    super(what + " is missing or broken: " + detail
        + "\n  install it (as root): apt-get install -y " + debianPackage
        + "\n  (or run ./run-tests, which installs every test peer)");
  }
}
