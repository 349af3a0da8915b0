package studio.tally.proto.amf;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Decodes AMF0 values (Adobe "AMF 0 File Format Specification", section 2) from a {@link ByteBuf}
 * holding complete values, such as the payload of an RTMP command or data message.
 *
 * <pre>
 *  value        = marker(u8) body
 *  number  0x00 = IEEE-754 double, big-endian (8)
 *  boolean 0x01 = u8 (0 = false)
 *  string  0x02 = u16 length, UTF-8 bytes         long string 0x0C / XML 0x0F = u32 length, UTF-8 bytes
 *  object  0x03 = { u16 keyLength, key, value }*, 00 00 09
 *  ecma    0x08 = u32 count (a hint), then as object
 *  strict  0x0A = u32 count, value * count
 *  date    0x0B = double epoch millis, s16 time zone
 *  typed   0x10 = u16 length, class name, then as object
 *  null 0x05, undefined 0x06: no body
 * </pre>
 *
 * <p>References (0x07) are refused: FFmpeg, OBS, nginx-rtmp and Flash never send them in RTMP
 * commands, and resolving them would allow cyclic values. Movieclip (0x04), unsupported (0x0D),
 * recordset (0x0E), the AMF3 switch (0x11) and unknown markers are refused too. Truncated input,
 * over-limit lengths and over-deep nesting throw {@link AmfException}; nothing is allocated from a
 * length that was not first checked against the bytes available and {@link AmfLimits}.
 *
 * <p>On failure the reader index of the buffer is left where the error was found.
 */
public final class Amf0Decoder {
  private final AmfLimits limits;

  public Amf0Decoder() {
    this(AmfLimits.DEFAULT);
  }

  public Amf0Decoder(AmfLimits limits) {
    this.limits = limits;
  }

  /** Decodes values until the buffer has no readable bytes left. */
  public List<Object> decodeAll(ByteBuf in) {
    List<Object> values = new ArrayList<>();
    while (in.isReadable()) {
      values.add(decode(in));
    }
    return values;
  }

  /** Decodes one value. */
  public Object decode(ByteBuf in) {
    return readValue(in, 1);
  }

  private Object readValue(ByteBuf in, int depth) {
    need(in, 1, "type marker");
    int marker = in.readUnsignedByte();
    return switch (marker) {
      case Amf0.NUMBER -> {
        need(in, 8, "number");
        yield in.readDouble();
      }
      case Amf0.BOOLEAN -> {
        need(in, 1, "boolean");
        yield in.readUnsignedByte() != 0;
      }
      case Amf0.STRING -> readUtf8(in, 2, "string");
      case Amf0.LONG_STRING -> readUtf8(in, 4, "long string");
      case Amf0.XML_DOCUMENT -> readUtf8(in, 4, "xml document");
      case Amf0.NULL -> null;
      case Amf0.UNDEFINED_MARKER -> Amf0.UNDEFINED;
      case Amf0.OBJECT -> readProperties(in, enter(depth, "object"), false);
      case Amf0.ECMA_ARRAY -> {
        int nested = enter(depth, "ecma array");
        need(in, 4, "ecma array count");
        in.skipBytes(4); // the count is only a hint; the end marker ends the array
        yield new AmfEcmaArray(readProperties(in, nested, true));
      }
      case Amf0.STRICT_ARRAY -> readStrictArray(in, enter(depth, "strict array"));
      case Amf0.DATE -> {
        need(in, 10, "date");
        double millis = in.readDouble();
        yield new AmfDate(millis, in.readShort());
      }
      case Amf0.TYPED_OBJECT -> {
        int nested = enter(depth, "typed object");
        String className = readUtf8(in, 2, "typed object class name");
        yield new AmfTypedObject(className, readProperties(in, nested, false));
      }
      case Amf0.OBJECT_END -> throw new AmfException("amf0: object end marker 0x09 outside an object");
      case Amf0.REFERENCE -> throw new AmfException("amf0: reference marker 0x07 is not supported");
      case Amf0.MOVIECLIP -> throw new AmfException("amf0: movieclip marker 0x04 is not supported");
      case Amf0.UNSUPPORTED -> throw new AmfException("amf0: unsupported marker 0x0d");
      case Amf0.RECORDSET -> throw new AmfException("amf0: recordset marker 0x0e is not supported");
      case Amf0.AVMPLUS_OBJECT -> throw new AmfException("amf0: AMF3 switch marker 0x11 is not supported");
      default -> throw new AmfException(String.format("amf0: unknown type marker 0x%02x", marker));
    };
  }

  private int enter(int depth, String what) {
    if (depth >= limits.maxDepth()) {
      throw new AmfException("amf0: " + what + " nested deeper than " + limits.maxDepth());
    }
    return depth + 1;
  }

  /**
   * Reads {@code (key, value)*} up to the {@code 00 00 09} end. An ECMA array may also end with the
   * buffer (some muxers omit its end marker).
   */
  private LinkedHashMap<String, Object> readProperties(ByteBuf in, int depth, boolean endMayBeMissing) {
    LinkedHashMap<String, Object> properties = new LinkedHashMap<>();
    while (true) {
      if (endMayBeMissing && !in.isReadable()) {
        return properties;
      }
      String key = readUtf8(in, 2, "object key");
      if (key.isEmpty()) {
        need(in, 1, "object end marker");
        if (in.getUnsignedByte(in.readerIndex()) == Amf0.OBJECT_END) {
          in.skipBytes(1);
          return properties;
        }
      }
      if (properties.size() >= limits.maxElements()) {
        throw new AmfException("amf0: object has more than " + limits.maxElements() + " properties");
      }
      properties.put(key, readValue(in, depth));
    }
  }

  private List<Object> readStrictArray(ByteBuf in, int depth) {
    need(in, 4, "strict array count");
    long count = in.readUnsignedInt();
    if (count > limits.maxElements()) {
      throw new AmfException("amf0: strict array count " + count + " above limit " + limits.maxElements());
    }
    if (count > in.readableBytes()) { // every element takes at least its marker byte
      throw new AmfException("amf0: strict array count " + count + " exceeds the " + in.readableBytes() + " bytes left");
    }
    List<Object> list = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      list.add(readValue(in, depth));
    }
    return list;
  }

  private String readUtf8(ByteBuf in, int lengthBytes, String what) {
    need(in, lengthBytes, what + " length");
    long length = lengthBytes == 2 ? in.readUnsignedShort() : in.readUnsignedInt();
    if (length > limits.maxStringBytes()) {
      throw new AmfException("amf0: " + what + " length " + length + " above limit " + limits.maxStringBytes());
    }
    need(in, length, what);
    String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
    in.skipBytes((int) length);
    return s;
  }

  private static void need(ByteBuf in, long bytes, String what) {
    if (in.readableBytes() < bytes) {
      throw new AmfException("amf0: truncated " + what + ": need " + bytes + " bytes, have " + in.readableBytes());
    }
  }
}
