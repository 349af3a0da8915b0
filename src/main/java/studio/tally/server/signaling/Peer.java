package studio.tally.server.signaling;

import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingError;

/** One socket as the room registry sees it: something to send to and to close. Thread-safe. */
interface Peer {
  void send(ServerMessage m);

  /** Sends the error (if any) and closes the socket; no {@code leave} is sent for a replaced member. */
  void close(SignalingError why, String message);
}
