package studio.tally.proto.rtmp;

/**
 * When to acknowledge (RTMP spec 5.4.3, 5.4.4): after every window of bytes received, as the peer
 * asked with Window Acknowledgement Size; none before it asks. The one rule the server's connections
 * and the client codec share. Single-threaded.
 */
public final class RtmpAcknowledgements {
  private long window;
  private long lastAckAt;

  /** The peer's Window Acknowledgement Size. */
  public void window(long windowSize) {
    this.window = windowSize;
  }

  /**
   * The Acknowledgement due now that bytesRead bytes (chunk stream bytes, handshake excluded) have
   * arrived in total, or null when none is due.
   */
  public RtmpControlMessage.Acknowledgement due(long bytesRead) {
    if (window <= 0 || bytesRead - lastAckAt < window) return null;
    lastAckAt = bytesRead;
    return new RtmpControlMessage.Acknowledgement(bytesRead & 0xFFFFFFFFL);
  }
}
