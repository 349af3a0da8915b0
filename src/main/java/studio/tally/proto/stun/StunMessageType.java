package studio.tally.proto.stun;

/**
 * The 14-bit STUN message type (RFC 8489 §5): a 12-bit method with the two class bits interleaved.
 *
 * <pre>
 *  0                 1
 *  2  3  4 5 6 7 8 9 0 1 2 3 4 5
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 * |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 * +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Binding (method 0x001): request 0x0001, indication 0x0011, success 0x0101, error 0x0111.
 *
 * @param method 12-bit method number
 * @param messageClass request, indication, success or error response
 */
public record StunMessageType(int method, StunClass messageClass) {
  public static final int METHOD_BINDING = 0x001;
  public static final StunMessageType BINDING_REQUEST = new StunMessageType(METHOD_BINDING, StunClass.REQUEST);
  public static final StunMessageType BINDING_INDICATION = new StunMessageType(METHOD_BINDING, StunClass.INDICATION);
  public static final StunMessageType BINDING_SUCCESS = new StunMessageType(METHOD_BINDING, StunClass.SUCCESS_RESPONSE);
  public static final StunMessageType BINDING_ERROR = new StunMessageType(METHOD_BINDING, StunClass.ERROR_RESPONSE);

  public StunMessageType {
    if (method < 0 || method > 0xFFF) {
      throw new IllegalArgumentException("STUN method outside 0..0xFFF: " + method);
    }
    if (messageClass == null) {
      throw new IllegalArgumentException("STUN class missing");
    }
  }

  /** The 14-bit value as written in the first two header bytes. */
  public int value() {
    int m = method;
    int c = messageClass.bits();
    return (m & 0x000F) | ((c & 1) << 4) | ((m & 0x0070) << 1) | ((c & 2) << 7) | ((m & 0x0F80) << 2);
  }

  /** Splits a 14-bit message type (the top two bits must already be known to be zero). */
  public static StunMessageType of(int value) {
    int method = (value & 0x000F) | ((value >> 1) & 0x0070) | ((value >> 2) & 0x0F80);
    int c = ((value >> 4) & 1) | ((value >> 7) & 2);
    return new StunMessageType(method, StunClass.ofBits(c));
  }

  /** The same method with another class, e.g. the success response to a request. */
  public StunMessageType withClass(StunClass other) {
    return new StunMessageType(method, other);
  }

  @Override
  public String toString() {
    return String.format("0x%04x(method 0x%03x %s)", value(), method, messageClass);
  }
}
