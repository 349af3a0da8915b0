package studio.tally.proto.rtp;

import studio.tally.proto.ProtocolException;

/** Malformed RTP, RTCP or RTP payload (H.264, VP8) bytes; the message names the field. */
public class RtpException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public RtpException(String message) {
    super(message);
  }
}
