package studio.tally.rtc;

/**
 * Why a WebRTC session could not be set up or went away. Sealed: callers switch over the cases
 * (a refusal carries the server's HTTP status and message; the others the local reason).
 */
public abstract sealed class RtcException extends Exception
    permits RtcException.Refused, RtcException.Unreachable, RtcException.NegotiationFailed, RtcException.TimedOut {
  private static final long serialVersionUID = 1L;

  RtcException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The WHIP/WHEP endpoint answered with an error status; {@code serverMessage} is its body (trimmed). */
  public static final class Refused extends RtcException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String serverMessage;

    public Refused(String method, String url, int status, String serverMessage) {
      super(method + " " + url + " -> HTTP " + status + (serverMessage.isEmpty() ? "" : ": " + serverMessage), null);
      this.status = status;
      this.serverMessage = serverMessage;
    }

    public int status() {
      return status;
    }

    public String serverMessage() {
      return serverMessage;
    }
  }

  /** The endpoint could not be reached (connection refused, reset, I/O error). */
  public static final class Unreachable extends RtcException {
    private static final long serialVersionUID = 1L;

    private final String url;

    public Unreachable(String url, Throwable cause) {
      super("cannot reach " + url + ": " + cause, cause);
      this.url = url;
    }

    /** The URL that could not be reached. */
    public String url() {
      return url;
    }
  }

  /** libwebrtc rejected an offer/answer, or the answer was unusable (no body, wrong content type). */
  public static final class NegotiationFailed extends RtcException {
    private static final long serialVersionUID = 1L;

    public NegotiationFailed(String step, String reason) {
      super(step + ": " + reason, null);
    }
  }

  /** A step (gathering, connecting, an HTTP exchange) did not finish in time. */
  public static final class TimedOut extends RtcException {
    private static final long serialVersionUID = 1L;

    public TimedOut(String step, java.time.Duration limit) {
      super(step + " did not finish within " + limit.toMillis() + " ms", null);
    }
  }
}
