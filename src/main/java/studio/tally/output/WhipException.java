package studio.tally.output;

/**
 * A WHIP exchange failed in a way retrying does not fix by itself (refused offer, token, no
 * Location); the message is meant for people and never contains the token.
 *
 * @see WhipResponses
 */
public final class WhipException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public WhipException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 0 when there was no HTTP answer. */
  public int status() {
    return status;
  }

  /** Whether trying again later may help (server busy, network, 5xx) rather than a refusal. */
  public boolean transientFailure() {
    return status == 0 || status == 429 || status >= 500;
  }
}
