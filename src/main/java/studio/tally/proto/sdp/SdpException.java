package studio.tally.proto.sdp;

import studio.tally.proto.ProtocolException;

/**
 * A session description that is not SDP, or an attribute value that breaks its grammar. The message
 * names the line number (1-based; 0 when not tied to a line) and the field, e.g.
 * {@code "sdp: line 7 (m= port): not a number: 'abc'"}.
 */
public class SdpException extends ProtocolException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final String field;
  private final String detail;

  public SdpException(int line, String field, String detail) {
    super("sdp: " + (line > 0 ? "line " + line + " " : "") + "(" + field + "): " + detail);
    this.line = line;
    this.field = field;
    this.detail = detail;
  }

  /** A field-level error, before the parser knows the line. */
  public SdpException(String field, String detail) {
    this(0, field, detail);
  }

  /** 1-based line number, 0 if unknown. */
  public int line() {
    return line;
  }

  public String field() {
    return field;
  }

  /** The same error, placed on a line. */
  SdpException atLine(int lineNumber) {
    SdpException e = new SdpException(lineNumber, field, detail);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
