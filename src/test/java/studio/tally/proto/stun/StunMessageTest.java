package studio.tally.proto.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;

class StunMessageTest {
  private static final byte[] TID = HexFormat.of().parseHex("0102030405060708090a0b0c");
  private static final byte[] KEY = StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");

  @Test
  void messageTypeBitsInterleave() {
    assertEquals(0x0001, StunMessageType.BINDING_REQUEST.value());
    assertEquals(0x0011, StunMessageType.BINDING_INDICATION.value());
    assertEquals(0x0101, StunMessageType.BINDING_SUCCESS.value());
    assertEquals(0x0111, StunMessageType.BINDING_ERROR.value());
    for (int v = 0; v < 0x4000; v++) {
      assertEquals(v, StunMessageType.of(v).value());
    }
    assertEquals(new StunMessageType(0x003, StunClass.REQUEST), StunMessageType.of(0x0003)); // TURN Allocate
  }

  @Test
  void everyAttributeRoundTrips() {
    StunMessage m = StunMessage.builder(StunMessageType.BINDING_ERROR, TID)
        .add(new MappedAddress(new StunAddress(new byte[] {10, 0, 0, 1}, 5000)))
        .add(new XorMappedAddress(new StunAddress(HexFormat.of().parseHex("fe800000000000000000000000000001"), 65535)))
        .add(new Username("remote:local"))
        .add(new Realm("realm"))
        .add(new Nonce("nonce"))
        .add(new Software("tally \u00e9"))
        .add(new ErrorCode(487, "Role Conflict"))
        .add(new UnknownAttributes(List.of(0x0003, 0x7777, 0x0001)))
        .add(new Priority(0xFFFFFFFFL))
        .add(new UseCandidate())
        .add(new IceControlled(-1L))
        .add(new IceControlling(42))
        .add(new Nomination(7))
        .add(new OpaqueAttribute(StunAttribute.GOOG_NETWORK_INFO, new byte[] {0, 1, 0, 10}))
        .add(new OpaqueAttribute(0xC0FE, new byte[] {1, 2, 3}))
        .add(new OpaqueAttribute(0xC0FE, new byte[0]))
        .messageIntegrity(KEY)
        .fingerprint()
        .build();
    byte[] bytes = m.toBytes();
    assertEquals(0, bytes.length % 4);
    StunMessage parsed = StunMessage.parse(bytes);
    assertEquals(m, parsed);
    assertArrayEquals(bytes, parsed.toBytes());
    StunIntegrity.verifyIntegrity(bytes, KEY);
    StunIntegrity.verifyFingerprint(bytes);
    assertEquals(List.of(), parsed.unknownComprehensionRequired());
    assertEquals(487, parsed.attribute(ErrorCode.class).orElseThrow().code());
  }

  @Test
  void iceCheckAsChromeSendsIt() {
    byte[] tid = StunMessage.newTransactionId(new SplittableRandom(1));
    byte[] request = StunMessage.builder(StunMessageType.BINDING_REQUEST, tid)
        .add(new Username("srvufrag:cliufrag"))
        .add(new OpaqueAttribute(StunAttribute.GOOG_NETWORK_INFO, new byte[] {0, 1, 0, 10}))
        .add(new IceControlling(0x1234))
        .add(new UseCandidate())
        .add(new Priority(1853817087))
        .messageIntegrity(KEY)
        .fingerprint()
        .toBytes();
    ByteBuf buf = Unpooled.wrappedBuffer(request);
    assertTrue(StunMessage.isStun(buf));
    assertEquals(PacketKind.STUN, Demux.classify(buf));
    StunMessage m = StunMessage.parse(buf);
    assertFalse(buf.isReadable());
    StunIntegrity.verifyIntegrity(request, KEY);
    assertTrue(m.attribute(UseCandidate.class).isPresent());

    StunAddress peer = new StunAddress(new byte[] {127, 0, 0, 1}, 54321);
    byte[] response = StunMessage.responseTo(m, StunClass.SUCCESS_RESPONSE)
        .add(new XorMappedAddress(peer)).messageIntegrity(KEY).fingerprint().toBytes();
    StunMessage r = StunMessage.parse(response);
    assertEquals(StunMessageType.BINDING_SUCCESS, r.type());
    assertArrayEquals(tid, r.transactionId());
    assertEquals(peer, r.attribute(XorMappedAddress.class).orElseThrow().address());
    StunIntegrity.verifyIntegrity(response, KEY);
  }

  @Test
  void unknownComprehensionRequiredIsReportedNotFatal() {
    byte[] bytes = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID)
        .add(new OpaqueAttribute(0x0003, new byte[] {0, 0, 0, 4})) // CHANGE-REQUEST
        .add(new OpaqueAttribute(0x8888, new byte[] {1}))
        .add(new OpaqueAttribute(0x0003, new byte[] {0, 0, 0, 0}))
        .toBytes();
    assertEquals(List.of(0x0003), StunMessage.parse(bytes).unknownComprehensionRequired());
  }

  @Test
  void integrityAndFingerprintWithoutEachOther() {
    byte[] onlyMi = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID).messageIntegrity(KEY).toBytes();
    StunIntegrity.verifyIntegrity(onlyMi, KEY);
    assertEquals("stun: no FINGERPRINT", assertThrows(StunException.class,
        () -> StunIntegrity.verifyFingerprint(onlyMi)).getMessage());
    byte[] onlyFp = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID).fingerprint().toBytes();
    StunIntegrity.verifyFingerprint(onlyFp);
    assertEquals("stun: no MESSAGE-INTEGRITY", assertThrows(StunException.class,
        () -> StunIntegrity.verifyIntegrity(onlyFp, KEY)).getMessage());
  }

  @Test
  void messageIntegritySha256TruncatedVerifies() throws Exception {
    // build by hand: header + USERNAME, then HMAC-SHA256 truncated to 16 bytes
    ByteBuf buf = Unpooled.buffer();
    new StunMessage(StunMessageType.BINDING_REQUEST, TID, List.of(new Username("a:b"))).encode(buf);
    int length = buf.readableBytes();
    byte[] full = StunIntegrity.hmac("HmacSHA256", KEY, buf, 0, length, length - 20 + 4 + 16);
    StunMessage.writeAttribute(buf, new MessageIntegritySha256(Arrays.copyOf(full, 16)), TID);
    buf.setShort(2, buf.readableBytes() - 20);
    byte[] bytes = org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> io.netty.buffer.ByteBufUtil.getBytes(buf));
    StunIntegrity.verifyIntegritySha256(Unpooled.wrappedBuffer(bytes), KEY);
    assertEquals(16, StunMessage.parse(bytes).attribute(MessageIntegritySha256.class).orElseThrow().hmac().length);
    bytes[bytes.length - 1] ^= 1;
    assertThrows(StunException.class, () -> StunIntegrity.verifyIntegritySha256(Unpooled.wrappedBuffer(bytes), KEY));
  }

  @Test
  void attributesAfterIntegrityAreIgnored() {
    ByteBuf buf = Unpooled.buffer();
    StunMessage.builder(StunMessageType.BINDING_REQUEST, TID).add(new Username("u:v")).messageIntegrity(KEY)
        .encode(buf);
    StunMessage.writeAttribute(buf, new Software("late"), TID);
    buf.setShort(2, buf.readableBytes() - 20);
    StunMessage m = StunMessage.parse(buf);
    assertEquals(2, m.attributes().size());
    assertTrue(m.attribute(Software.class).isEmpty());
  }

  private static String error(String hex) {
    return assertThrows(StunException.class, () -> StunMessage.parse(Hex.bytes(hex))).getMessage();
  }

  private static final String HEADER = "2112a442 0102030405060708090a0b0c";

  @Test
  void malformedMessagesFailWithTheFieldNamed() {
    assertEquals("stun: header truncated: 19 of 20 bytes", error("0001 0000 2112a442 0102030405060708090a0b"));
    assertEquals("stun: header truncated: 0 of 20 bytes", error(""));
    assertEquals("stun: magic cookie 0x2112a443, expected 0x2112a442", error("0001 0000 2112a443 0102030405060708090a0b0c"));
    assertEquals("stun: message length 2 is not a multiple of 4", error("0001 0002" + HEADER + "0000"));
    assertEquals("stun: message type 0x8001 has its top two bits set", error("8001 0000" + HEADER));
    assertEquals("stun: message length 8 but only 4 bytes follow the header", error("0001 0008" + HEADER + "00250000"));
    assertEquals("stun: attribute USERNAME length 9 overruns the message (8 bytes left)",
        error("0001 000c" + HEADER + "00060009 61626364 65666768"));
    assertEquals("stun: attribute 0x8888 length 4 overruns the message (0 bytes left)",
        error("0001 0004" + HEADER + "88880004"));
    assertEquals("stun: XOR-MAPPED-ADDRESS family 3 is neither 1 (IPv4) nor 2 (IPv6)",
        error("0101 000c" + HEADER + "00200008 00030000 00000000"));
    assertEquals("stun: MAPPED-ADDRESS length 20, expected 8 for family 1",
        error("0101 0018" + HEADER + "00010014 00010000" + "00".repeat(16)));
    assertEquals("stun: PRIORITY length 2, expected 4", error("0001 0008" + HEADER + "00240002 00010000"));
    assertEquals("stun: USE-CANDIDATE length 4, expected 0", error("0001 0008" + HEADER + "00250004 00000000"));
    assertEquals("stun: USERNAME is not valid UTF-8", error("0001 0008" + HEADER + "00060002 c3280000"));
    assertEquals("stun: ERROR-CODE class 7 outside 3..6", error("0111 0008" + HEADER + "00090004 00000700"));
    assertEquals("stun: ERROR-CODE number 100 outside 0..99", error("0111 0008" + HEADER + "00090004 00000464"));
    assertEquals("stun: UNKNOWN-ATTRIBUTES length 3 is odd", error("0111 0008" + HEADER + "000a0003 00010000"));
    assertEquals("stun: MESSAGE-INTEGRITY length 4, expected 20", error("0001 0008" + HEADER + "00080004 00000000"));
    assertEquals("stun: MESSAGE-INTEGRITY-SHA256 length 12 is not 16..32 in steps of 4",
        error("0001 0010" + HEADER + "001c000c" + "00".repeat(12)));
    assertEquals("stun: duplicate PRIORITY", error("0001 0010" + HEADER + "00240004 00000001 00240004 00000002"));
  }

  @Test
  void fingerprintMustBeLastAndCorrect() {
    byte[] good = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID).add(new Username("a:b")).fingerprint()
        .toBytes();
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    assertTrue(assertThrows(StunException.class, () -> StunMessage.parse(bad)).getMessage()
        .startsWith("stun: FINGERPRINT mismatch"));
    assertThrows(StunException.class, () -> StunIntegrity.verifyFingerprint(bad));
    byte[] flipped = good.clone();
    flipped[25] ^= 1; // a byte of the username
    assertThrows(StunException.class, () -> StunMessage.parse(flipped));

    ByteBuf after = Unpooled.buffer().writeBytes(good);
    StunMessage.writeAttribute(after, new Priority(1), TID);
    after.setShort(2, after.readableBytes() - 20);
    assertEquals("stun: PRIORITY after FINGERPRINT",
        assertThrows(StunException.class, () -> StunMessage.parse(after.duplicate())).getMessage());
    assertEquals("stun: FINGERPRINT is not the last attribute",
        assertThrows(StunException.class, () -> StunIntegrity.verifyFingerprint(after)).getMessage());
  }

  @Test
  void integrityMismatch() {
    byte[] good = StunMessage.builder(StunMessageType.BINDING_REQUEST, TID).add(new Username("a:b"))
        .messageIntegrity(KEY).fingerprint().toBytes();
    StunIntegrity.verifyIntegrity(good, KEY);
    assertEquals("stun: MESSAGE-INTEGRITY mismatch", assertThrows(StunException.class,
        () -> StunIntegrity.verifyIntegrity(good, "other".getBytes())).getMessage());
    byte[] tampered = good.clone();
    tampered[24] ^= 0x20; // 'a' -> 'A' in USERNAME
    assertThrows(StunException.class, () -> StunIntegrity.verifyIntegrity(tampered, KEY));
    assertThrows(StunException.class, () -> StunIntegrity.verifyIntegrity(new byte[3], KEY));
  }

  @Test
  void isStunIsCheapAndStrict() {
    assertTrue(StunMessage.isStun(Unpooled.wrappedBuffer(Rfc5769Vectors.REQUEST)));
    assertFalse(StunMessage.isStun(Unpooled.wrappedBuffer(Arrays.copyOf(Rfc5769Vectors.REQUEST, 60))));
    assertFalse(StunMessage.isStun(Unpooled.wrappedBuffer(new byte[19])));
    byte[] dtls = Rfc5769Vectors.REQUEST.clone();
    dtls[0] = 0x16;
    assertFalse(StunMessage.isStun(Unpooled.wrappedBuffer(dtls)));
    byte[] cookie = Rfc5769Vectors.REQUEST.clone();
    cookie[4] = 0;
    assertFalse(StunMessage.isStun(Unpooled.wrappedBuffer(cookie)));
  }

  @Test
  void demuxByFirstByte() {
    assertEquals(PacketKind.STUN, Demux.classify(0));
    assertEquals(PacketKind.STUN, Demux.classify(3));
    assertEquals(PacketKind.UNKNOWN, Demux.classify(4));
    assertEquals(PacketKind.ZRTP, Demux.classify(16));
    assertEquals(PacketKind.DTLS, Demux.classify(20));
    assertEquals(PacketKind.DTLS, Demux.classify(0x16));
    assertEquals(PacketKind.DTLS, Demux.classify(63));
    assertEquals(PacketKind.TURN_CHANNEL, Demux.classify(64));
    assertEquals(PacketKind.UNKNOWN, Demux.classify(127));
    assertEquals(PacketKind.RTP_RTCP, Demux.classify(0x80));
    assertEquals(PacketKind.RTP_RTCP, Demux.classify(191));
    assertEquals(PacketKind.UNKNOWN, Demux.classify(192));
    assertEquals(PacketKind.UNKNOWN, Demux.classify(Unpooled.EMPTY_BUFFER));
  }
}
