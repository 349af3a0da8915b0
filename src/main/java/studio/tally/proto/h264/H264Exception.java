package studio.tally.proto.h264;

import studio.tally.proto.ProtocolException;

/** Malformed H.264 parameter sets, configuration records or NAL framing. */
public class H264Exception extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public H264Exception(String message) {
    super(message);
  }

  public H264Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
