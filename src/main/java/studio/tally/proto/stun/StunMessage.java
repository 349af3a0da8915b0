package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A STUN message (RFC 8489 §5; RFC 5389 compatible): header and attributes in wire order.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie = 0x2112A442             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Attributes (Message Length bytes)             ...
 * </pre>
 * Message Length counts the attributes (with padding), so it is a multiple of 4.
 *
 * <p>{@link #parse} enforces: header present, top bits zero, cookie, length a multiple of 4 and
 * within the buffer, every attribute (with padding) inside the length, strict UTF-8 text, known
 * attributes well-formed and not repeated (XOR-PEER-ADDRESS may repeat: RFC 8656 §9.1), nothing after FINGERPRINT, and a correct FINGERPRINT when
 * present. Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT
 * (and after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT) are skipped, as §14.5/§14.6 require.
 * MESSAGE-INTEGRITY needs the key, so it is checked separately: {@link StunIntegrity#verifyIntegrity}.
 * Unknown comprehension-required attributes do not fail the parse; see
 * {@link #unknownComprehensionRequired()}.
 */
public record StunMessage(StunMessageType type, byte[] transactionId, List<StunAttribute> attributes) {
  public static final int MAGIC_COOKIE = 0x2112A442;
  public static final int HEADER_LENGTH = 20;
  public static final int TRANSACTION_ID_LENGTH = 12;

  public StunMessage {
    if (type == null) {
      throw new IllegalArgumentException("type missing");
    }
    if (transactionId == null || transactionId.length != TRANSACTION_ID_LENGTH) {
      throw new IllegalArgumentException("transaction id must be 12 bytes");
    }
    transactionId = transactionId.clone();
    attributes = List.copyOf(attributes);
  }

  @Override
  public byte[] transactionId() {
    return transactionId.clone();
  }

  /**
   * Cheap demultiplexing check: first byte 0..3 (RFC 7983 §7; every registered method fits), magic
   * cookie, length a multiple of 4 and within the buffer (RFC 8489 §5). Does not parse attributes.
   */
  public static boolean isStun(ByteBuf in) {
    int n = in.readableBytes();
    if (n < HEADER_LENGTH) {
      return false;
    }
    int start = in.readerIndex();
    int length = in.getUnsignedShort(start + 2);
    return in.getUnsignedByte(start) <= 3
        && in.getInt(start + 4) == MAGIC_COOKIE
        && length % 4 == 0
        && HEADER_LENGTH + length <= n;
  }

  /**
   * Parses one message at the reader index and advances past it (20 + Message Length bytes).
   *
   * @throws StunException on any violation listed in the class comment
   */
  public static StunMessage parse(ByteBuf in) {
    int start = in.readerIndex();
    int end = start + checkHeader(in);
    int method = in.getUnsignedShort(start);
    byte[] tid = new byte[TRANSACTION_ID_LENGTH];
    in.getBytes(start + 8, tid);
    List<StunAttribute> attributes = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    boolean afterIntegrity = false;
    boolean afterIntegrity256 = false;
    boolean afterFingerprint = false;
    Fingerprint fingerprint = null;
    for (int pos = start + HEADER_LENGTH; pos < end; ) {
      int type = in.getUnsignedShort(pos);
      int length = in.getUnsignedShort(pos + 2);
      int next = nextAttribute(pos, length, end, type);
      if (afterFingerprint) {
        throw new StunException("stun: " + StunAttribute.name(type) + " after FINGERPRINT");
      }
      boolean ignored = (afterIntegrity256 && type != StunAttribute.FINGERPRINT)
          || (afterIntegrity && type != StunAttribute.FINGERPRINT && type != StunAttribute.MESSAGE_INTEGRITY_SHA256);
      if (!ignored) {
        StunAttribute attribute = StunAttributes.parse(type, in.slice(pos + 4, length), tid);
        if (!(attribute instanceof OpaqueAttribute || attribute instanceof XorPeerAddress) && !seen.add(type)) {
          throw new StunException("stun: duplicate " + StunAttribute.name(type));
        }
        switch (type) {
          case StunAttribute.MESSAGE_INTEGRITY -> afterIntegrity = true;
          case StunAttribute.MESSAGE_INTEGRITY_SHA256 -> afterIntegrity256 = true;
          case StunAttribute.FINGERPRINT -> {
            afterFingerprint = true;
            fingerprint = (Fingerprint) attribute;
          }
          default -> { }
        }
        attributes.add(attribute);
      }
      pos = next;
    }
    if (fingerprint != null) {
      // checked last, so that structural errors are reported as such; FINGERPRINT is the last 8 bytes
      long actual = StunIntegrity.fingerprint(in, start, end - start - 8);
      if (actual != fingerprint.crc()) {
        throw new StunException(String.format("stun: FINGERPRINT mismatch: %08x, computed %08x",
            fingerprint.crc(), actual));
      }
    }
    in.readerIndex(end);
    return new StunMessage(StunMessageType.of(method), tid, attributes);
  }

  /** As {@link #parse(ByteBuf)} for a whole message in an array. */
  public static StunMessage parse(byte[] message) {
    return parse(Unpooled.wrappedBuffer(message));
  }

  /** Validates the header at the reader index; returns 20 + Message Length. */
  private static int checkHeader(ByteBuf in) {
    int n = in.readableBytes();
    if (n < HEADER_LENGTH) {
      throw new StunException("stun: header truncated: " + n + " of 20 bytes");
    }
    int start = in.readerIndex();
    int first = in.getUnsignedShort(start);
    if ((first & 0xC000) != 0) {
      throw new StunException(String.format("stun: message type 0x%04x has its top two bits set", first));
    }
    int length = in.getUnsignedShort(start + 2);
    if (length % 4 != 0) {
      throw new StunException("stun: message length " + length + " is not a multiple of 4");
    }
    int cookie = in.getInt(start + 4);
    if (cookie != MAGIC_COOKIE) {
      throw new StunException(String.format("stun: magic cookie 0x%08x, expected 0x2112a442", cookie));
    }
    if (HEADER_LENGTH + length > n) {
      throw new StunException("stun: message length " + length + " but only " + (n - HEADER_LENGTH)
          + " bytes follow the header");
    }
    return HEADER_LENGTH + length;
  }

  private static int nextAttribute(int pos, int length, int end, int type) {
    int padded = (length + 3) & ~3;
    if (end - pos < 4 + padded) {
      throw new StunException("stun: attribute " + StunAttribute.name(type) + " length " + length
          + " overruns the message (" + (end - pos - 4) + " bytes left)");
    }
    return pos + 4 + padded;
  }

  /**
   * Offset (from the reader index) of the first attribute of {@code type}, or -1; validates the
   * header and the attribute framing on the way. The buffer's indices are not changed.
   */
  static int findAttribute(ByteBuf in, int type) {
    int start = in.readerIndex();
    int end = start + checkHeader(in);
    for (int pos = start + HEADER_LENGTH; pos < end; ) {
      int t = in.getUnsignedShort(pos);
      int next = nextAttribute(pos, in.getUnsignedShort(pos + 2), end, t);
      if (t == type) {
        if (type == StunAttribute.FINGERPRINT && next != end) {
          throw new StunException("stun: FINGERPRINT is not the last attribute");
        }
        return pos - start;
      }
      pos = next;
    }
    return -1;
  }

  /** Writes the message as it stands (stored MESSAGE-INTEGRITY and FINGERPRINT values included). */
  public void encode(ByteBuf out) {
    int start = out.writerIndex();
    out.writeShort(type.value()).writeShort(0).writeInt(MAGIC_COOKIE).writeBytes(transactionId);
    for (StunAttribute a : attributes) {
      writeAttribute(out, a, transactionId);
    }
    int length = out.writerIndex() - start - HEADER_LENGTH;
    if (length > 0xFFFF) {
      throw new IllegalStateException("STUN message too long: " + length + " bytes of attributes");
    }
    out.setShort(start + 2, length);
  }

  /** The encoded message. */
  public byte[] toBytes() {
    ByteBuf buf = Unpooled.buffer();
    encode(buf);
    return ByteBufUtil.getBytes(buf);
  }

  static void writeAttribute(ByteBuf out, StunAttribute a, byte[] transactionId) {
    int at = out.writerIndex();
    out.writeShort(a.type()).writeShort(0);
    a.writeValue(out, transactionId);
    int length = out.writerIndex() - at - 4;
    if (length > 0xFFFF) {
      throw new IllegalStateException(StunAttribute.name(a.type()) + " value too long: " + length);
    }
    out.setShort(at + 2, length);
    out.writeZero((4 - (length & 3)) & 3);
  }

  /** The first attribute of the given kind. */
  public <T extends StunAttribute> Optional<T> attribute(Class<T> kind) {
    return attributes.stream().filter(kind::isInstance).map(kind::cast).findFirst();
  }

  /** USERNAME, if present. */
  public Optional<String> username() {
    return attribute(Username.class).map(Username::value);
  }

  /** Types of attributes below 0x8000 that this package does not understand, for a 420 answer. */
  public List<Integer> unknownComprehensionRequired() {
    return attributes.stream()
        .filter(a -> a instanceof OpaqueAttribute && StunAttribute.isComprehensionRequired(a.type()))
        .map(StunAttribute::type)
        .distinct()
        .toList();
  }

  /** A fresh random transaction id (RFC 8489 §5: uniformly random, 96 bits). */
  public static byte[] newTransactionId(RandomGenerator random) {
    byte[] tid = new byte[TRANSACTION_ID_LENGTH];
    random.nextBytes(tid);
    return tid;
  }

  public static Builder builder(StunMessageType type, byte[] transactionId) {
    return new Builder(type, transactionId);
  }

  /** A builder for the response to {@code request}: same method and transaction id. */
  public static Builder responseTo(StunMessage request, StunClass responseClass) {
    return new Builder(request.type.withClass(responseClass), request.transactionId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StunMessage m && m.type.equals(type) && Arrays.equals(m.transactionId, transactionId)
        && m.attributes.equals(attributes);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + Arrays.hashCode(transactionId)) * 31 + attributes.hashCode();
  }

  @Override
  public String toString() {
    return "StunMessage[" + type + " tid " + HexFormat.of().formatHex(transactionId) + " " + attributes + "]";
  }

  /**
   * Builds a message and appends MESSAGE-INTEGRITY (HMAC-SHA1 with the given key) and FINGERPRINT,
   * computed over the encoded bytes as RFC 8489 §14.5 and §14.7 describe.
   */
  public static final class Builder {
    private final StunMessageType type;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes = new ArrayList<>();
    private byte[] integrityKey;
    private boolean fingerprint;

    private Builder(StunMessageType type, byte[] transactionId) {
      if (transactionId == null || transactionId.length != TRANSACTION_ID_LENGTH) {
        throw new IllegalArgumentException("transaction id must be 12 bytes");
      }
      this.type = type;
      this.transactionId = transactionId.clone();
    }

    /** Adds an attribute; MESSAGE-INTEGRITY and FINGERPRINT come from their own methods. */
    public Builder add(StunAttribute attribute) {
      if (attribute instanceof MessageIntegrity || attribute instanceof MessageIntegritySha256
          || attribute instanceof Fingerprint) {
        throw new IllegalArgumentException("use messageIntegrity(key) / fingerprint() instead of adding "
            + StunAttribute.name(attribute.type()));
      }
      attributes.add(attribute);
      return this;
    }

    /** Appends MESSAGE-INTEGRITY keyed with {@code key} (ICE: {@link StunIntegrity#shortTermKey}). */
    public Builder messageIntegrity(byte[] key) {
      this.integrityKey = key.clone();
      return this;
    }

    /** Appends FINGERPRINT (after MESSAGE-INTEGRITY, if any). */
    public Builder fingerprint() {
      this.fingerprint = true;
      return this;
    }

    public StunMessage build() {
      List<StunAttribute> all = new ArrayList<>(attributes);
      ByteBuf buf = Unpooled.buffer();
      new StunMessage(type, transactionId, all).encode(buf);
      if (integrityKey != null) {
        int length = buf.readableBytes();
        byte[] hmac = StunIntegrity.hmac("HmacSHA1", integrityKey, buf, 0, length,
            length - HEADER_LENGTH + 4 + MessageIntegrity.LENGTH);
        MessageIntegrity mi = new MessageIntegrity(hmac);
        all.add(mi);
        writeAttribute(buf, mi, transactionId);
        buf.setShort(2, buf.readableBytes() - HEADER_LENGTH);
      }
      if (fingerprint) {
        int length = buf.readableBytes();
        buf.setShort(2, length - HEADER_LENGTH + 8);
        all.add(new Fingerprint(StunIntegrity.fingerprint(buf, 0, length)));
      }
      return new StunMessage(type, transactionId, all);
    }

    public byte[] toBytes() {
      return build().toBytes();
    }

    public void encode(ByteBuf out) {
      build().encode(out);
    }
  }
}
