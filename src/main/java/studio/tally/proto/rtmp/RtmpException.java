package studio.tally.proto.rtmp;

import studio.tally.proto.ProtocolException;

/** Malformed, unsupported or over-limit RTMP input. The message starts with {@code "rtmp: "}. */
public final class RtmpException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  public RtmpException(String message) {
    super(message);
  }
}
