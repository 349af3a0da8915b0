package studio.tally.proto.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;

/** Hand-derived bytes from the RFC layouts, laid out as Chromium sends them. */
class RtcpPacketTest {
  static final String SR = """
      80c8 0006 00000001                     # SR, RC 0, length 6
      e8f1a3b2 40000000 0000bb80 00000064 00003e80""";
  static final String RR = """
      81c9 0007 00000001                     # RR, RC 1, length 7
      12345678 10 000005 00010064 00000020 11223344 00000800""";
  static final String SDES = "81ca 0003 12345678 0104 61626364 0000";  // CNAME "abcd", null item, pad
  static final String BYE = "81cb 0001 12345678";
  static final String PLI = "81ce 0002 00000001 12345678";
  static final String FIR = "84ce 0004 00000001 00000000 12345678 07000000";
  static final String NACK = "81cd 0003 00000001 12345678 0064 0005";  // 100, +1, +3
  static final String REMB = "8fce 0005 00000001 00000000 52454d42 01 0bd090 12345678";  // 250000·2^2 bps
  static final String TWCC = """
      8fcd 0005 00000001 12345678
      0064 0003 000001 00                    # base 100, 3 packets, ref 64 ms, fb 0
      a800                                   # 1-bit vector: received, lost, received
      04 08                                  # +1 ms, +2 ms""";
  static final String APP = "80cc 0003 12345678 71727374 01020304";

  static List<RtcpPacket> parse(String hex) {
    return RtcpPacket.parseCompound(Hex.buf(hex));
  }

  static String rebuild(List<RtcpPacket> packets) {
    ByteBuf out = Unpooled.buffer();
    RtcpPacket.writeCompound(out, packets);
    return ByteBufUtil.hexDump(out);
  }

  @Test
  void everyTypeRoundTripsByteForByte() {
    for (String hex : List.of(SR, RR, SDES, BYE, PLI, FIR, NACK, REMB, TWCC, APP, RR + SDES + REMB)) {
      assertEquals(ByteBufUtil.hexDump(Hex.buf(hex)), rebuild(parse(hex)), hex);
    }
  }

  @Test
  void fields() {
    SenderReport sr = (SenderReport) parse(SR).getFirst();
    assertEquals(0xe8f1a3b240000000L, sr.ntpTimestamp());
    assertEquals(0xa3b24000L, sr.compactNtp());
    assertEquals(48000, sr.rtpTimestamp());
    assertEquals(100, sr.packetCount());

    ReportBlock b = ((ReceiverReport) parse(RR).getFirst()).reports().getFirst();
    assertEquals(new ReportBlock(0x12345678, 16, 5, 0x10064, 32, 0x11223344, 0x800), b);

    List<RtcpPacket> compound = parse(RR + SDES);
    assertEquals("abcd", ((SourceDescription) compound.get(1)).chunks().getFirst().cname());
    assertEquals(List.of(0x12345678), ((Bye) parse(BYE).getFirst()).ssrcs());
    assertEquals(new PictureLossIndication(1, 0x12345678), parse(PLI).getFirst());
    assertEquals(List.of(new FullIntraRequest.Entry(0x12345678, 7)), ((FullIntraRequest) parse(FIR).getFirst()).entries());

    GenericNack nack = (GenericNack) parse(NACK).getFirst();
    assertArrayEquals(new int[] {100, 101, 103}, nack.lost());

    Remb remb = (Remb) parse(REMB).getFirst();
    assertEquals(1_000_000, remb.bitrate());
    assertArrayEquals(new int[] {0x12345678}, remb.ssrcs());

    TransportCcFeedback tcc = (TransportCcFeedback) parse(TWCC).getFirst();
    assertEquals(100, tcc.baseSequence());
    assertArrayEquals(new byte[] {1, 0, 1}, tcc.statuses());
    assertArrayEquals(new long[] {65_000, -1, 67_000}, tcc.arrivalTimesMicros());
    assertInstanceOf(AppPacket.class, parse(APP).getFirst());
  }

  @Test
  void nackFromSequenceNumbersAcrossTheWrap() {
    GenericNack n = GenericNack.of(1, 2, 3, 65535, 0, 40);
    assertArrayEquals(new int[] {65535, 0, 3, 40}, n.lost());
    GenericNack back = (GenericNack) rebuildAndParse(n);
    assertArrayEquals(n.lost(), back.lost());
    ByteBuf out = Unpooled.buffer();
    n.write(out);
    assertEquals("81cd000400000001" + "00000002" + "ffff0009" /* 65535, +1, +4 */ + "00280000", ByteBufUtil.hexDump(out));
  }

  @Test
  void transportCcBuildsRunLengthAndTwoBitChunks() {
    TreeMap<Long, Long> arrivals = new TreeMap<>();
    long t = 1_000_000;
    for (long seq = 65530; seq < 65530 + 40; seq++) { // crosses the 16-bit wrap
      if (seq % 9 == 0) {
        continue; // lost
      }
      t += seq == 65550 ? 100_000 : 1_000; // one large delta
      arrivals.put(seq, t);
    }
    arrivals.put(65530L + 200, t + 2_000); // a long run of losses before it: run-length chunk
    TransportCcFeedback f = TransportCcFeedback.build(1, 2, 7, arrivals);
    TransportCcFeedback back = (TransportCcFeedback) rebuildAndParse(f);
    assertEquals(65530, back.baseSequence());
    assertEquals(201, back.packetStatusCount());
    long[] times = back.arrivalTimesMicros();
    for (int i = 0; i < times.length; i++) {
      Long expected = arrivals.get(65530L + i);
      assertEquals(expected == null ? -1 : expected, times[i], "packet " + i);
    }
  }

  @Test
  void reducedSizeAndMalformed() {
    assertEquals(1, parse(PLI).size()); // RFC 5506: a lone feedback packet
    assertThrows(RtpException.class, () -> parse("81c9 0007 00000001"));          // length overrun
    assertThrows(RtpException.class, () -> parse("41c9 0000"));                   // version 1
    assertThrows(RtpException.class, () -> parse("81c9 0001 00000001"));          // RC 1, no block
    assertThrows(RtpException.class, () -> parse("81ca 0002 12345678 0109 6162")); // SDES item overrun
    assertThrows(RtpException.class, () -> parse("a1c9 0001 00000001"));          // P set (1 byte), RC 1: block missing
    assertThrows(RtpException.class, () -> parse("8fcd 0004 00000001 12345678 0064 0001 000001 00")); // no chunk
  }

  static RtcpPacket rebuildAndParse(RtcpPacket p) {
    ByteBuf out = Unpooled.buffer();
    p.write(out);
    return RtcpPacket.parseCompound(out).getFirst();
  }
}
