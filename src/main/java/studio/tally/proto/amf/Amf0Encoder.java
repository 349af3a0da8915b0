package studio.tally.proto.amf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.Map;

/**
 * Writes AMF0 values, the inverse of {@link Amf0Decoder}.
 *
 * <p>Java → AMF0: {@link Number} → number (0x00), {@link Boolean} → boolean, {@link CharSequence} →
 * string (0x02), or long string (0x0C) above 65535 UTF-8 bytes, {@code null} → null (0x05),
 * {@link Amf0#UNDEFINED} → undefined (0x06), {@link Map} → object (0x03), {@link AmfEcmaArray} →
 * ECMA array (0x08), {@link List} → strict array (0x0A), {@link AmfDate} → date (0x0B),
 * {@link AmfTypedObject} → typed object (0x10). Anything else is a programming error
 * ({@link IllegalArgumentException}), not a protocol error.
 */
public final class Amf0Encoder {
  private Amf0Encoder() {}

  /** Writes each value in order. */
  public static void encodeAll(ByteBuf out, Object... values) {
    for (Object value : values) {
      encode(out, value);
    }
  }

  public static void encode(ByteBuf out, Object value) {
    switch (value) {
      case null -> out.writeByte(Amf0.NULL);
      case Amf0.Undefined u -> out.writeByte(Amf0.UNDEFINED_MARKER);
      case Number n -> out.writeByte(Amf0.NUMBER).writeDouble(n.doubleValue());
      case Boolean b -> out.writeByte(Amf0.BOOLEAN).writeByte(b ? 1 : 0);
      case CharSequence s -> writeString(out, s);
      case AmfEcmaArray a -> {
        out.writeByte(Amf0.ECMA_ARRAY).writeInt(a.entries().size());
        writeProperties(out, a.entries());
      }
      case AmfTypedObject t -> {
        out.writeByte(Amf0.TYPED_OBJECT);
        writeKey(out, t.className());
        writeProperties(out, t.properties());
      }
      case AmfDate d -> out.writeByte(Amf0.DATE).writeDouble(d.epochMillis()).writeShort(d.timeZone());
      case Map<?, ?> m -> {
        out.writeByte(Amf0.OBJECT);
        writeProperties(out, m);
      }
      case List<?> l -> {
        out.writeByte(Amf0.STRICT_ARRAY).writeInt(l.size());
        for (Object element : l) {
          encode(out, element);
        }
      }
      default -> throw new IllegalArgumentException("no AMF0 encoding for " + value.getClass().getName());
    }
  }

  private static void writeString(ByteBuf out, CharSequence s) {
    int length = ByteBufUtil.utf8Bytes(s);
    if (length > 0xFFFF) {
      out.writeByte(Amf0.LONG_STRING).writeInt(length);
    } else {
      out.writeByte(Amf0.STRING).writeShort(length);
    }
    ByteBufUtil.writeUtf8(out, s);
  }

  private static void writeProperties(ByteBuf out, Map<?, ?> properties) {
    for (Map.Entry<?, ?> e : properties.entrySet()) {
      if (!(e.getKey() instanceof CharSequence key)) {
        throw new IllegalArgumentException("AMF0 object keys must be strings, got " + e.getKey());
      }
      writeKey(out, key);
      encode(out, e.getValue());
    }
    out.writeShort(0).writeByte(Amf0.OBJECT_END);
  }

  private static void writeKey(ByteBuf out, CharSequence key) {
    int length = ByteBufUtil.utf8Bytes(key);
    if (length > 0xFFFF) {
      throw new IllegalArgumentException("AMF0 key longer than 65535 UTF-8 bytes");
    }
    out.writeShort(length);
    ByteBufUtil.writeUtf8(out, key);
  }
}
