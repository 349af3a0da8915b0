package studio.tally.proto.amf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import studio.tally.proto.Hex;
import studio.tally.proto.ProtocolException;

/** Vectors derived by hand from the AMF0 specification, section 2. */
public class Amf0CodecTest {
  private final Amf0Decoder decoder = new Amf0Decoder();

  /** FFmpeg's (libavformat/rtmpproto.c gen_connect) connect command when publishing, Lavf 59.27.100 = FFmpeg 5.1. */
  public static final String FFMPEG_CONNECT = """
      02 0007 636f6e6e656374                 # string "connect"
      00 3ff0000000000000                    # number 1.0 (transaction id)
      03                                     # object
         0003 617070       02 0004 6c697665  #   app: "live"
         0004 74797065     02 000a 6e6f6e70726976617465  # type: "nonprivate"
         0008 666c617368566572 02 0024       #   flashVer: "FMLE/3.0 (compatible; Lavf59.27.100)"
              464d4c452f332e302028636f6d70617469626c653b204c61766635392e32372e31303029
         0005 746355726c   02 001a           #   tcUrl: "rtmp://127.0.0.1:1935/live"
              72746d703a2f2f3132372e302e302e313a313933352f6c697665
      000009                                 # object end
      """;

  private static String encode(Object... values) {
    ByteBuf out = Unpooled.buffer();
    Amf0Encoder.encodeAll(out, values);
    String hex = Hex.of(out);
    out.release();
    return hex;
  }

  private List<Object> decode(String hex) {
    return decoder.decodeAll(Hex.buf(hex));
  }

  @Test
  void numberVector() {
    assertThat(encode(1.0)).isEqualTo("003ff0000000000000");
    assertThat(encode(1)).isEqualTo("003ff0000000000000");
    assertThat(encode(-2L)).isEqualTo("00c000000000000000");
    assertThat(decode("00 3ff0000000000000")).containsExactly(1.0);
  }

  @Test
  void booleanNullUndefinedVectors() {
    assertThat(encode(true, false, null, Amf0.UNDEFINED)).isEqualTo("0101" + "0100" + "05" + "06");
    assertThat(decode("0101 0100 0102 05 06")).containsExactly(true, false, true, null, Amf0.UNDEFINED);
  }

  @Test
  void stringVectors() {
    assertThat(encode("hi")).isEqualTo("02000268" + "69");
    assertThat(encode("")).isEqualTo("020000");
    assertThat(encode("é")).isEqualTo("020002c3a9");
    assertThat(decode("02 0002 6869")).containsExactly("hi");
    assertThat(decode("0c 00000002 6869")).containsExactly("hi");  // long string
    assertThat(decode("0f 00000003 3c612f")).containsExactly("<a/"); // XML document
  }

  @Test
  void longStringAbove65535Bytes() {
    String s = "x".repeat(70_000);
    ByteBuf out = Unpooled.buffer();
    Amf0Encoder.encode(out, s);
    assertThat(out.getByte(0)).isEqualTo((byte) 0x0C);
    assertThat(out.getInt(1)).isEqualTo(70_000);
    assertThat(decoder.decode(out)).isEqualTo(s);
    out.release();
  }

  @Test
  void objectVector() {
    LinkedHashMap<String, Object> o = new LinkedHashMap<>();
    o.put("a", 1.0);
    String hex = "03" + "0001" + "61" + "003ff0000000000000" + "000009";
    assertThat(encode(o)).isEqualTo(hex);
    assertThat(decode(hex)).containsExactly(o);
  }

  @Test
  void objectKeepsOrder() {
    Object decoded = decoder.decode(Hex.buf("03 0001 62 0101 0001 61 0100 000009"));
    assertThat(new ArrayList<Object>(((Map<?, ?>) decoded).keySet())).containsExactly("b", "a");
  }

  @Test
  void ecmaArrayVector() {
    AmfEcmaArray a = new AmfEcmaArray();
    a.entries().put("w", 2.0);
    String hex = "08 00000001 0001 77 004000000000000000 000009".replace(" ", "");
    assertThat(encode(a)).isEqualTo(hex);
    assertThat(decode(hex)).containsExactly(a);
  }

  @Test
  void ecmaArrayWithWrongCountAndMissingEndAtBufferEnd() {
    // the count is a hint (some muxers write 0); the end marker may be missing at the end of the body
    assertThat(decode("08 00000000 0001 77 0101")).containsExactly(new AmfEcmaArray(new LinkedHashMap<>(Map.of("w", true))));
  }

  @Test
  void strictArrayDateTypedObjectVectors() {
    assertThat(encode(List.of(1.0, "a"))).isEqualTo("0a00000002" + "003ff0000000000000" + "02000161");
    assertThat(encode(new AmfDate(0.0, (short) 0))).isEqualTo("0b" + "0000000000000000" + "0000");
    assertThat(decode("0b 3ff0000000000000 fffe")).containsExactly(new AmfDate(1.0, (short) -2));
    LinkedHashMap<String, Object> props = new LinkedHashMap<>();
    props.put("x", null);
    String typed = "10 0001 43 0001 78 05 000009".replace(" ", "");
    assertThat(encode(new AmfTypedObject("C", props))).isEqualTo(typed);
    assertThat(decode(typed)).containsExactly(new AmfTypedObject("C", props));
  }

  @Test
  void ffmpegConnectCommand() {
    List<Object> values = decode(FFMPEG_CONNECT);
    assertThat(values).hasSize(3);
    assertThat(values.get(0)).isEqualTo("connect");
    assertThat(values.get(1)).isEqualTo(1.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) values.get(2);
    assertThat(o).containsExactly(
        Map.entry("app", "live"),
        Map.entry("type", "nonprivate"),
        Map.entry("flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)"),
        Map.entry("tcUrl", "rtmp://127.0.0.1:1935/live"));
    // and our encoder produces the very same bytes
    assertThat(encode(values.toArray())).isEqualTo(Hex.of(Hex.buf(FFMPEG_CONNECT)));
  }

  @Test
  void roundTripsNestedValues() {
    LinkedHashMap<String, Object> inner = new LinkedHashMap<>();
    inner.put("list", new ArrayList<>(Arrays.asList(1.0, null, Amf0.UNDEFINED, "s", new AmfDate(5.0))));
    AmfEcmaArray meta = new AmfEcmaArray();
    meta.entries().put("duration", 0.0);
    meta.entries().put("inner", inner);
    List<Object> values = Arrays.asList("onMetaData", meta, true, "ü€𝄞", null);
    ByteBuf out = Unpooled.buffer();
    Amf0Encoder.encodeAll(out, values.toArray());
    assertThat(decoder.decodeAll(out)).isEqualTo(values);
    out.release();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "00 3ff00000",          // truncated number
      "01",                   // truncated boolean
      "02 00",                // truncated string length
      "02 0005 6869",         // string shorter than its length
      "0c 00000005 68",       // long string shorter than its length
      "03 0001 61",           // object: key without value
      "03 0001 61 0101",      // object without end
      "03 0000",              // object: end marker missing
      "0a 00000003 0101",     // strict array shorter than its count
      "0b 0000000000000000",  // date without time zone
      "10 0001",              // typed object: truncated class name
      "08 0000",              // truncated ecma count
  })
  void truncatedInputIsAnAmfException(String hex) {
    assertThatThrownBy(() -> decode(hex)).isInstanceOf(AmfException.class).hasMessageStartingWith("amf0: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"04", "07 0000", "0d", "0e", "11 01", "12", "ff", "09"})
  void unsupportedMarkersAreNamed(String hex) {
    String marker = hex.substring(0, 2);
    assertThatThrownBy(() -> decode(hex)).isInstanceOf(AmfException.class).hasMessageContaining("0x" + marker);
  }

  @Test
  void amf3SwitchIsNamed() {
    assertThatThrownBy(() -> decode("11 01")).isInstanceOf(ProtocolException.class).hasMessageContaining("AMF3");
    assertThatThrownBy(() -> decode("07 0000")).hasMessage("amf0: reference marker 0x07 is not supported");
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    ByteBuf deep = Unpooled.buffer();
    for (int i = 0; i < 100_000; i++) {
      deep.writeBytes(new byte[] {0x0A, 0, 0, 0, 1}); // strict array of one element, nested
    }
    assertThatThrownBy(() -> decoder.decode(deep)).isInstanceOf(AmfException.class).hasMessageContaining("nested deeper than 32");
    deep.release();
    // 32 levels are fine
    ByteBuf ok = Unpooled.buffer();
    for (int i = 0; i < 31; i++) {
      ok.writeBytes(new byte[] {0x0A, 0, 0, 0, 1});
    }
    ok.writeByte(0x05);
    assertThat(decoder.decode(ok)).isInstanceOf(List.class);
    ok.release();
  }

  @Test
  void limitsAreCheckedBeforeAllocating() {
    Amf0Decoder small = new Amf0Decoder(new AmfLimits(32, 4, 2));
    assertThatThrownBy(() -> small.decodeAll(Hex.buf("02 0005 6868686868")))
        .hasMessage("amf0: string length 5 above limit 4");
    assertThatThrownBy(() -> decode("0c ffffffff"))
        .hasMessage("amf0: long string length 4294967295 above limit 1048576");
    assertThatThrownBy(() -> decode("0a 7fffffff 05"))
        .hasMessage("amf0: strict array count 2147483647 above limit 65536");
    assertThatThrownBy(() -> decode("0a 00001000 05"))
        .hasMessage("amf0: strict array count 4096 exceeds the 1 bytes left");
    assertThatThrownBy(() -> small.decodeAll(Hex.buf("03 0001 61 05 0001 62 05 0001 63 05 000009")))
        .hasMessage("amf0: object has more than 2 properties");
  }

  @Test
  void encoderRefusesUnknownJavaTypes() {
    ByteBuf out = Unpooled.buffer();
    assertThatThrownBy(() -> Amf0Encoder.encode(out, new Object())).isInstanceOf(IllegalArgumentException.class);
    out.release();
  }
}
