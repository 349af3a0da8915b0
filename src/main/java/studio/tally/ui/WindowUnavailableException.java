package studio.tally.ui;

/** The studio window cannot open here (no display, no graphics pipeline); the CLI says why in one line. */
public final class WindowUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WindowUnavailableException(String message) {
    super(message);
  }
}
