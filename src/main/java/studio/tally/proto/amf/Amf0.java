package studio.tally.proto.amf;

/**
 * AMF0 type markers (Adobe "Action Message Format -- AMF 0", section 2.1) and the {@link #UNDEFINED}
 * value.
 *
 * <p>Java mapping used by {@link Amf0Decoder} and {@link Amf0Encoder}:
 * number → {@link Double}, boolean → {@link Boolean}, string / long string / XML document → {@link String},
 * object → {@code LinkedHashMap<String,Object>}, null → {@code null}, undefined → {@link #UNDEFINED},
 * ECMA array → {@link AmfEcmaArray}, strict array → {@code List<Object>}, date → {@link AmfDate},
 * typed object → {@link AmfTypedObject}.
 */
public final class Amf0 {
  public static final int NUMBER = 0x00;
  public static final int BOOLEAN = 0x01;
  public static final int STRING = 0x02;
  public static final int OBJECT = 0x03;
  public static final int MOVIECLIP = 0x04;
  public static final int NULL = 0x05;
  public static final int UNDEFINED_MARKER = 0x06;
  public static final int REFERENCE = 0x07;
  public static final int ECMA_ARRAY = 0x08;
  public static final int OBJECT_END = 0x09;
  public static final int STRICT_ARRAY = 0x0A;
  public static final int DATE = 0x0B;
  public static final int LONG_STRING = 0x0C;
  public static final int UNSUPPORTED = 0x0D;
  public static final int RECORDSET = 0x0E;
  public static final int XML_DOCUMENT = 0x0F;
  public static final int TYPED_OBJECT = 0x10;
  public static final int AVMPLUS_OBJECT = 0x11;

  /** The AMF0 {@code undefined} value (marker 0x06), distinct from {@code null} (marker 0x05). */
  public static final Undefined UNDEFINED = Undefined.INSTANCE;

  /** Type of {@link #UNDEFINED}; a singleton. */
  public enum Undefined {
    INSTANCE;

    @Override
    public String toString() {
      return "undefined";
    }
  }

  private Amf0() {}
}
