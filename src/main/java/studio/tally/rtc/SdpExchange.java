package studio.tally.rtc;

/**
 * How an offerer gets its answer: over WHIP/WHEP ({@link WhipExchange#endpoint}) or from another peer in
 * the same process ({@link WhipPublisher#answerer()}). {@link #end()} releases the remote side (WHIP DELETE).
 */
public interface SdpExchange {
  /** Sends a complete offer (candidates gathered, no trickle) and returns the answer SDP. */
  String answer(String offer) throws RtcException;

  /** Ends the remote session; best effort, never throws. */
  void end();
}
