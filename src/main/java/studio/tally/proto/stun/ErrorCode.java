package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;

/**
 * ERROR-CODE (RFC 8489 §14.8), type 0x0009: the code (300..699) of an error response and a reason
 * phrase. ICE uses 400 Bad Request, 401 Unauthorized, 420 Unknown Attribute, 487 Role Conflict.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * code = Class * 100 + Number; Class 3..6, Number 0..99; reason UTF-8, at most 763 bytes.
 */
public record ErrorCode(int code, String reason) implements StunAttribute {
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int UNKNOWN_ATTRIBUTE = 420;
  public static final int ROLE_CONFLICT = 487;
  static final int MAX_REASON_BYTES = 763;

  public ErrorCode {
    if (code < 300 || code > 699) {
      throw new IllegalArgumentException("ERROR-CODE outside 300..699: " + code);
    }
    StunAttributes.utf8(reason, "ERROR-CODE reason", MAX_REASON_BYTES);
  }

  @Override
  public int type() {
    return ERROR_CODE;
  }

  @Override
  public void writeValue(ByteBuf out, byte[] transactionId) {
    out.writeShort(0).writeByte(code / 100).writeByte(code % 100);
    out.writeBytes(StunAttributes.utf8(reason, "ERROR-CODE reason", MAX_REASON_BYTES));
  }

  static ErrorCode parse(ByteBuf value) {
    if (value.readableBytes() < 4) {
      throw new StunException("stun: ERROR-CODE length " + value.readableBytes() + ", at least 4 expected");
    }
    value.skipBytes(2);
    int cls = value.readUnsignedByte() & 0x07;
    int number = value.readUnsignedByte();
    if (cls < 3 || cls > 6) {
      throw new StunException("stun: ERROR-CODE class " + cls + " outside 3..6");
    }
    if (number > 99) {
      throw new StunException("stun: ERROR-CODE number " + number + " outside 0..99");
    }
    return new ErrorCode(cls * 100 + number, StunAttributes.text(value, "ERROR-CODE reason", MAX_REASON_BYTES));
  }
}
