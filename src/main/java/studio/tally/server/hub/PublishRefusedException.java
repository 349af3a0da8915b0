package studio.tally.server.hub;

/** A publish the hub will not take, with a message for the publisher's screen. */
public final class PublishRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public PublishRefusedException(String message) {
    super(message);
  }
}
