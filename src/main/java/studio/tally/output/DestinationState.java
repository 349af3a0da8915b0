package studio.tally.output;

/**
 * Where a destination is in its life: {@code Connecting → Live → Reconnecting → Live ... → Stopped},
 * or {@code Failed} when retrying cannot help (stream key rejected, certificate not trusted, tries
 * used up). Reasons are meant for people and never contain the stream key.
 */
public sealed interface DestinationState {

  /** Opening the connection, handshaking, or waiting for the server to accept the publish. */
  record Connecting() implements DestinationState {}

  /** The server accepted the publish; media flows. */
  record Live() implements DestinationState {}

  /** The connection was lost or refused for a reason that may pass; the next try is in {@code inSeconds}. */
  record Reconnecting(double inSeconds, String reason) implements DestinationState {}

  /** A permanent failure; nothing more is tried. */
  record Failed(String reason) implements DestinationState {}

  /** Closed by us. */
  record Stopped() implements DestinationState {}

  DestinationState CONNECTING = new Connecting();
  DestinationState LIVE = new Live();
  DestinationState STOPPED = new Stopped();

  /** No more state changes follow. */
  default boolean isFinal() {
    return this instanceof Failed || this instanceof Stopped;
  }
}
