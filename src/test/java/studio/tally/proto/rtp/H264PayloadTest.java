package studio.tally.proto.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;
import studio.tally.proto.TrackingAllocator;

class H264PayloadTest {
  static ByteBuf nal(int header, int size) {
    ByteBuf b = Unpooled.buffer(size).writeByte(header);
    for (int i = 1; i < size; i++) {
      b.writeByte(i * 31);
    }
    return b;
  }

  @Test
  void keyframeAccessUnitGoesStapAThenFuAAndBack() {
    TrackingAllocator alloc = new TrackingAllocator();
    List<ByteBuf> au = List.of(nal(0x67, 20), nal(0x68, 5), nal(0x65, 3000));
    List<H264Packetizer.Payload> payloads = new ArrayList<>();
    new H264Packetizer(alloc).packetize(au, payloads);
    assertEquals(4, payloads.size()); // STAP-A(SPS, PPS) + 3 FU-A of ≤ 1200 bytes
    assertEquals(0x78, payloads.get(0).bytes().getUnsignedByte(0)); // NRI 3, type 24
    assertEquals(0x7c, payloads.get(1).bytes().getUnsignedByte(0)); // FU indicator NRI 3, type 28
    assertEquals(0x85, payloads.get(1).bytes().getUnsignedByte(1)); // S, type 5
    assertEquals(0x45, payloads.get(3).bytes().getUnsignedByte(1)); // E, type 5
    for (int i = 0; i < 4; i++) {
      assertTrue(payloads.get(i).bytes().readableBytes() <= 1200);
      assertEquals(i == 3, payloads.get(i).marker());
    }
    assertTrue(H264Depacketizer.startsKeyframe(payloads.get(0).bytes()));
    assertTrue(H264Depacketizer.startsKeyframe(payloads.get(1).bytes()));
    assertFalse(H264Depacketizer.startsKeyframe(payloads.get(2).bytes()));

    List<ByteBuf> nals = new ArrayList<>();
    try (H264Depacketizer d = new H264Depacketizer(alloc)) {
      int seq = 65534; // reassembly across the sequence wrap
      for (H264Packetizer.Payload p : payloads) {
        d.depacketize(p.bytes(), seq++ & 0xffff, nals);
      }
    }
    assertEquals(3, nals.size());
    for (int i = 0; i < 3; i++) {
      assertTrue(ByteBufUtil.equals(au.get(i), nals.get(i)), "NAL " + i);
    }
    assertTrue(H264Depacketizer.isKeyframe(nals));
    nals.forEach(ByteBuf::release);
    payloads.forEach(p -> p.bytes().release());
    assertEquals(0, alloc.live());
  }

  @Test
  void lossInsideAFragmentedNalDropsIt() {
    TrackingAllocator alloc = new TrackingAllocator();
    List<H264Packetizer.Payload> payloads = new ArrayList<>();
    new H264Packetizer(alloc).packetize(List.of(nal(0x41, 5000)), payloads);
    assertEquals(5, payloads.size());
    List<ByteBuf> nals = new ArrayList<>();
    H264Depacketizer d = new H264Depacketizer(alloc);
    for (int i = 0; i < payloads.size(); i++) {
      if (i != 2) {
        d.depacketize(payloads.get(i).bytes(), 10 + i, nals);
      }
    }
    assertEquals(0, nals.size());
    assertEquals(1, d.droppedNals());
    d.depacketize(Hex.buf("41 0102"), 20, nals); // the next single NAL still comes out
    assertEquals(1, nals.size());
    assertFalse(H264Depacketizer.isKeyframe(nals));
    d.close();
    nals.forEach(ByteBuf::release);
    payloads.forEach(p -> p.bytes().release());
    assertEquals(0, alloc.live());
  }

  @Test
  void vp8Descriptor() {
    // X=1 S=1 PID 0 | I=1 | M=1 picture id 0x1234 | VP8 header with P=0 (key frame)
    Vp8PayloadDescriptor key = Vp8PayloadDescriptor.parse(Hex.buf("90 80 9234 10 02 00"));
    assertEquals(0x1234, key.pictureId());
    assertEquals(4, key.headerLength());
    assertTrue(key.keyframe());
    assertFalse(Vp8PayloadDescriptor.parse(Hex.buf("90 80 9234 11 02 00")).keyframe()); // P = 1
    assertFalse(Vp8PayloadDescriptor.parse(Hex.buf("00 10")).keyframe());              // S = 0
    assertTrue(Vp8PayloadDescriptor.parse(Hex.buf("10 10")).keyframe());
    assertEquals(960, OpusTimestamps.ticksForMicros(20_000));
  }

  @Test
  void spsStartsAKeyframeForInBandPublishersAndAnIdrOnlyWithoutThem() {
    // RFC 6184: single NAL (type in the low 5 bits), STAP-A (24) with 2-byte sizes, FU-A (28) start bit
    assertTrue(H264Depacketizer.carriesSps(Hex.buf("67 42 00 1f")));                  // single SPS
    assertFalse(H264Depacketizer.carriesSps(Hex.buf("65 88 84")));                    // single IDR
    assertTrue(H264Depacketizer.startsKeyframe(Hex.buf("65 88 84")));
    assertTrue(H264Depacketizer.carriesSps(Hex.buf("78 00 02 67 42 00 02 68 ce")));   // STAP-A: SPS, PPS
    assertFalse(H264Depacketizer.carriesSps(Hex.buf("78 00 02 68 ce 00 02 65 88")));  // STAP-A: PPS, IDR
    assertTrue(H264Depacketizer.startsKeyframe(Hex.buf("78 00 02 68 ce 00 02 65 88")));
    assertFalse(H264Depacketizer.carriesSps(Hex.buf("7c 85 88")));                     // FU-A start of an IDR
    assertTrue(H264Depacketizer.startsKeyframe(Hex.buf("7c 85 88")));
    assertFalse(H264Depacketizer.startsKeyframe(Hex.buf("7c 05 88")));                 // FU-A, not a start
  }
}
