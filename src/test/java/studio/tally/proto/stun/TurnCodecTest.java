package studio.tally.proto.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TURN's methods, attributes and ChannelData framing (RFC 8656) on top of the STUN codec. */
class TurnCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] TID = HEX.parseHex("b7e7a701bc34d686fa87dfae"); // RFC 5769 §2.2's
  /** RFC 5769 §2.2: 192.0.2.1:32853 XOR-coded (the same coding as XOR-PEER/RELAYED-ADDRESS). */
  private static final StunAddress ADDRESS = new StunAddress(new byte[] {(byte) 192, 0, 2, 1}, 32853);
  private static final String XOR_VALUE = "0001a147e112a643";

  @Test
  void methodsHaveTheirRegisteredTypeValues() {
    assertEquals(0x0003, Turn.ALLOCATE_REQUEST.value());
    assertEquals(0x0103, Turn.ALLOCATE_REQUEST.withClass(StunClass.SUCCESS_RESPONSE).value());
    assertEquals(0x0113, Turn.ALLOCATE_REQUEST.withClass(StunClass.ERROR_RESPONSE).value());
    assertEquals(0x0004, Turn.REFRESH_REQUEST.value());
    assertEquals(0x0016, Turn.SEND_INDICATION.value());
    assertEquals(0x0017, Turn.DATA_INDICATION.value());
    assertEquals(0x0008, Turn.CREATE_PERMISSION_REQUEST.value());
    assertEquals(0x0009, Turn.CHANNEL_BIND_REQUEST.value());
    assertEquals("ChannelBind", Turn.methodName(StunMessageType.of(0x0109).method()));
  }

  @Test
  void xorAddressesUseTheXorMappedCoding() {
    for (StunAttribute a : List.of(new XorPeerAddress(ADDRESS), new XorRelayedAddress(ADDRESS))) {
      byte[] bytes = StunMessage.builder(Turn.SEND_INDICATION, TID).add(a).toBytes();
      assertEquals(XOR_VALUE, HEX.formatHex(bytes, 24, 32), StunAttribute.name(a.type()));
      assertEquals(a, StunMessage.parse(bytes).attributes().getFirst());
    }
    StunAddress v6 = new StunAddress(HEX.parseHex("20010db8123456780011223344556677"), 32853);
    byte[] bytes = StunMessage.builder(Turn.DATA_INDICATION, TID).add(new XorPeerAddress(v6)).toBytes();
    assertEquals(new XorPeerAddress(v6), StunMessage.parse(bytes).attribute(XorPeerAddress.class).orElseThrow());
  }

  @Test
  void everyTurnAttributeRoundTripsWithIntegrity() {
    byte[] key = StunIntegrity.longTermKey("tally", "tally.test", "relay-secret");
    StunMessage m = StunMessage.builder(Turn.CHANNEL_BIND_REQUEST, TID)
        .add(new ChannelNumber(0x4001)).add(new XorPeerAddress(ADDRESS)).add(new Lifetime(600))
        .add(new RequestedTransport(RequestedTransport.UDP)).add(new Data(new byte[] {1, 2, 3}))
        .add(new XorRelayedAddress(ADDRESS)).add(new Username("tally")).add(new Realm("tally.test"))
        .add(new Nonce("abc")).messageIntegrity(key).fingerprint().build();
    byte[] bytes = m.toBytes();
    StunMessage parsed = StunMessage.parse(bytes);
    assertEquals(m, parsed);
    assertArrayEquals(bytes, parsed.toBytes());
    StunIntegrity.verifyIntegrity(bytes, key);
    assertThrows(StunException.class,
        () -> StunIntegrity.verifyIntegrity(bytes, StunIntegrity.longTermKey("tally", "tally.test", "wrong")));
    // value layouts: CHANNEL-NUMBER 0x4001 + RFFU, REQUESTED-TRANSPORT 17 + RFFU, LIFETIME 600, DATA padded
    String hex = HEX.formatHex(bytes);
    assertTrue(hex.contains("000c000440010000"), hex);
    assertTrue(hex.contains("0019000411000000"), hex);
    assertTrue(hex.contains("000d000400000258"), hex);
    assertTrue(hex.contains("0013000301020300"), hex);
    assertEquals(new ChannelNumber(0x4001), parsed.attribute(ChannelNumber.class).orElseThrow());
    assertTrue(new ChannelNumber(0x4FFF).inRange());
    assertFalse(new ChannelNumber(0x5000).inRange());
  }

  @Test
  void createPermissionMayNameSeveralPeersButOtherAttributesMayNotRepeat() {
    StunAddress other = new StunAddress(new byte[] {(byte) 198, 18, 0, 2}, 9);
    byte[] two = StunMessage.builder(Turn.CREATE_PERMISSION_REQUEST, TID)
        .add(new XorPeerAddress(ADDRESS)).add(new XorPeerAddress(other)).toBytes();
    assertEquals(2, StunMessage.parse(two).attributes().size());
    byte[] lifetimes = StunMessage.builder(Turn.REFRESH_REQUEST, TID).add(new Lifetime(1)).add(new Lifetime(2)).toBytes();
    assertThrows(StunException.class, () -> StunMessage.parse(lifetimes));
  }

  @Test
  void malformedTurnAttributesAreRejected() {
    assertThrows(StunException.class, () -> StunMessage.parse(withAttribute("0019000411000001"))); // RFFU set
    assertThrows(StunException.class, () -> StunMessage.parse(withAttribute("0019000211000000"))); // short
    assertThrows(StunException.class, () -> StunMessage.parse(withAttribute("000c000440000001"))); // RFFU set
    assertThrows(StunException.class, () -> StunMessage.parse(withAttribute("000d000200000000"))); // LIFETIME 2 bytes
    assertThrows(StunException.class, () -> StunMessage.parse(withAttribute("0012000400010000"))); // no address
    assertThrows(IllegalArgumentException.class, () -> new RequestedTransport(256));
    assertThrows(IllegalArgumentException.class, () -> new Lifetime(-1));
  }

  /** A Binding request with one raw attribute (type, length, value as hex). */
  private static byte[] withAttribute(String attributeHex) {
    byte[] a = HEX.parseHex(attributeHex);
    ByteBuf b = Unpooled.buffer();
    b.writeShort(0x0001).writeShort(a.length).writeInt(StunMessage.MAGIC_COOKIE).writeBytes(TID).writeBytes(a);
    return ByteBufUtil.getBytes(b);
  }

  @Test
  void channelDataFraming() {
    ByteBuf out = Unpooled.buffer();
    ChannelData.encode(0x4001, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 1, 2}), out);
    assertEquals("4001000380" + "0102", HEX.formatHex(ByteBufUtil.getBytes(out)));
    assertTrue(ChannelData.isChannelData(out));
    assertEquals(PacketKind.TURN_CHANNEL, Demux.classify(out));
    assertEquals(0x4001, ChannelData.channel(out));
    assertArrayEquals(new byte[] {(byte) 0x80, 1, 2}, ByteBufUtil.getBytes(ChannelData.payload(out)));
    // UDP may pad to 4: the padding is not data
    ByteBuf padded = Unpooled.wrappedBuffer(HEX.parseHex("4fff000161000000"));
    assertEquals(1, ChannelData.payload(padded).readableBytes());
    assertEquals(0, ChannelData.payload(Unpooled.wrappedBuffer(HEX.parseHex("40000000"))).readableBytes());
  }

  @Test
  void badChannelDataIsRejected() {
    StunException truncated = assertThrows(StunException.class,
        () -> ChannelData.payload(Unpooled.wrappedBuffer(HEX.parseHex("4001"))));
    assertTrue(truncated.getMessage().contains("header truncated"), truncated.getMessage());
    StunException overrun = assertThrows(StunException.class,
        () -> ChannelData.payload(Unpooled.wrappedBuffer(HEX.parseHex("400100080102"))));
    assertTrue(overrun.getMessage().contains("length 8 but only 2"), overrun.getMessage());
    assertThrows(StunException.class, () -> ChannelData.payload(Unpooled.wrappedBuffer(HEX.parseHex("50000000"))));
    assertThrows(StunException.class, () -> ChannelData.payload(Unpooled.wrappedBuffer(HEX.parseHex("3fff0000"))));
    assertThrows(IllegalArgumentException.class, () -> ChannelData.encode(0x5000, Unpooled.EMPTY_BUFFER, Unpooled.buffer()));
    assertFalse(ChannelData.isChannelData(Unpooled.wrappedBuffer(new byte[] {0x00, 0x01})));
    assertFalse(ChannelData.isChannelData(Unpooled.EMPTY_BUFFER));
  }
}
