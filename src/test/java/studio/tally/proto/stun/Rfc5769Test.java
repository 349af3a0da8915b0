package studio.tally.proto.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static studio.tally.proto.stun.Rfc5769Vectors.PASSWORD;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5769 test vectors: parse, check integrity and fingerprint, rebuild byte for byte where possible. */
class Rfc5769Test {
  private static final byte[] TID = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");
  private static final byte[] KEY = StunIntegrity.shortTermKey(PASSWORD);

  @Test
  void sampleRequest() {
    StunMessage m = StunMessage.parse(Rfc5769Vectors.REQUEST);
    assertEquals(StunMessageType.BINDING_REQUEST, m.type());
    assertArrayEquals(TID, m.transactionId());
    assertEquals(List.of(
        new Software("STUN test client"),
        new Priority(0x6e0001ffL),
        new IceControlled(0x932ff9b151263b36L),
        new Username("evtj:h6vY"),
        new MessageIntegrity(HexFormat.of().parseHex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")),
        new Fingerprint(0xe57a3bcfL)), m.attributes());
    assertEquals("evtj:h6vY", m.username().orElseThrow());
    StunIntegrity.verifyIntegrity(Rfc5769Vectors.REQUEST, KEY);
    StunIntegrity.verifyFingerprint(Rfc5769Vectors.REQUEST);
    assertThrows(StunException.class, () -> StunIntegrity.verifyIntegrity(Rfc5769Vectors.REQUEST,
        StunIntegrity.shortTermKey("wrong")));
  }

  @Test
  void sampleRequestRebuiltVerifies() {
    // the RFC pads USERNAME with spaces, we pad with zeros: bytes differ, but our MI and FP must verify
    byte[] built = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID)
        .add(new Software("STUN test client"))
        .add(new Priority(0x6e0001ffL))
        .add(new IceControlled(0x932ff9b151263b36L))
        .add(new Username("evtj:h6vY"))
        .messageIntegrity(KEY)
        .fingerprint()
        .toBytes();
    assertEquals(Rfc5769Vectors.REQUEST.length, built.length);
    StunIntegrity.verifyIntegrity(built, KEY);
    StunIntegrity.verifyFingerprint(built);
    StunMessage parsed = StunMessage.parse(built);
    assertEquals(StunMessage.parse(Rfc5769Vectors.REQUEST).attributes().subList(0, 4), parsed.attributes().subList(0, 4));
  }

  @Test
  void ipv4Response() {
    StunMessage m = StunMessage.parse(Rfc5769Vectors.RESPONSE_IPV4);
    assertEquals(StunMessageType.BINDING_SUCCESS, m.type());
    StunAddress mapped = m.attribute(XorMappedAddress.class).orElseThrow().address();
    assertEquals("192.0.2.1:32853", mapped.toString());
    assertEquals(new Software("test vector"), m.attributes().get(0));
    StunIntegrity.verifyIntegrity(Rfc5769Vectors.RESPONSE_IPV4, KEY);
    StunIntegrity.verifyFingerprint(Rfc5769Vectors.RESPONSE_IPV4);
    assertBuildsIdentically(m, Rfc5769Vectors.RESPONSE_IPV4);
  }

  @Test
  void ipv6Response() {
    StunMessage m = StunMessage.parse(Rfc5769Vectors.RESPONSE_IPV6);
    StunAddress mapped = m.attribute(XorMappedAddress.class).orElseThrow().address();
    assertArrayEquals(HexFormat.of().parseHex("20010db8123456780011223344556677"), mapped.address());
    assertEquals(32853, mapped.port());
    assertEquals("[2001:db8:1234:5678:11:2233:4455:6677]:32853", mapped.toString());
    StunIntegrity.verifyIntegrity(Rfc5769Vectors.RESPONSE_IPV6, KEY);
    StunIntegrity.verifyFingerprint(Rfc5769Vectors.RESPONSE_IPV6);
    assertBuildsIdentically(m, Rfc5769Vectors.RESPONSE_IPV6);
  }

  /**
   * The responses pad SOFTWARE ("test vector", 11 bytes) with a space, we pad with zero: with that
   * byte zeroed, our builder reproduces header, SOFTWARE and XOR-MAPPED-ADDRESS exactly, and its own
   * MESSAGE-INTEGRITY and FINGERPRINT verify.
   */
  private static void assertBuildsIdentically(StunMessage m, byte[] vector) {
    StunMessage request = new StunMessage(StunMessageType.BINDING_REQUEST, TID, List.of());
    byte[] built = StunMessage.responseTo(request, StunClass.SUCCESS_RESPONSE)
        .add(m.attributes().get(0))
        .add(m.attributes().get(1))
        .messageIntegrity(KEY)
        .fingerprint()
        .toBytes();
    byte[] expected = vector.clone();
    expected[20 + 4 + 11] = 0;
    int prefix = 20 + 16 + 4 + (vector[20 + 16 + 3] & 0xff);
    assertArrayEquals(Arrays.copyOf(expected, prefix), Arrays.copyOf(built, prefix));
    assertEquals(vector.length, built.length);
    StunIntegrity.verifyIntegrity(built, KEY);
    StunIntegrity.verifyFingerprint(built);
  }

  @Test
  void longTermRequest() {
    StunMessage m = StunMessage.parse(Rfc5769Vectors.REQUEST_LONG_TERM);
    assertEquals("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", m.username().orElseThrow());
    assertEquals("example.org", m.attribute(Realm.class).orElseThrow().value());
    assertEquals("f//499k954d6OL34oL9FSTvy64sA", m.attribute(Nonce.class).orElseThrow().value());
    byte[] key = StunIntegrity.longTermKey(m.username().orElseThrow(), "example.org", "TheMatrIX");
    StunIntegrity.verifyIntegrity(Rfc5769Vectors.REQUEST_LONG_TERM, key);
    assertThrows(StunException.class, () -> StunIntegrity.verifyFingerprint(Rfc5769Vectors.REQUEST_LONG_TERM));
  }

  @Test
  void reEncodingTheParsedRecordKeepsMiAndFingerprintValid() {
    // USERNAME padding differs (spaces → zeros) so MI changes; the responses' SOFTWARE padding too.
    // The long-term request pads with zeros already: its re-encoding is byte-identical.
    assertArrayEquals(Rfc5769Vectors.REQUEST_LONG_TERM, StunMessage.parse(Rfc5769Vectors.REQUEST_LONG_TERM).toBytes());
  }
}
