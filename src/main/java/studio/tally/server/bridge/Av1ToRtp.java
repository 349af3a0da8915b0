package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import studio.tally.proto.av1.Av1CodecConfigurationRecord;
import studio.tally.proto.av1.Av1Exception;
import studio.tally.proto.av1.Obus;
import studio.tally.proto.rtp.Av1Packetizer;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * AV1 from Enhanced RTMP (a temporal unit of low-overhead OBUs per frame, the av1C record as sequence
 * start) to RTP per the AV1 RTP payload format: temporal delimiters, tile lists and padding dropped,
 * size fields removed, the sequence header from av1C put in front of a keyframe that lacks one (a
 * player joining there needs it), N set on keyframes. AV1 has no B-frames to reorder: decode order is
 * presentation order for RTP, timestamps from the decode time.
 */
final class Av1ToRtp implements VideoToRtp {
  /** Payload type on our side; the SFU rewrites it per player. */
  static final int PAYLOAD_TYPE = 45;

  private final Av1Packetizer packetizer;
  private final long timestampBase;
  private final RtpWriter writer;
  private byte[] sequenceHeader; // from av1C's configOBUs, without its size field; null if none

  private boolean configured;

  Av1ToRtp(ByteBufAllocator alloc, int ssrc, long timestampBase, int firstSequence) {
    this.packetizer = new Av1Packetizer(alloc);
    this.timestampBase = timestampBase;
    this.writer = new RtpWriter(alloc, PAYLOAD_TYPE, ssrc, firstSequence);
  }

  /** AV1 in SDP (AV1 RTP §7.2): profile, level-idx and tier from the av1C record. */
  @Override
  public Negotiated.CodecChoice codec(byte[] av1c) {
    Av1CodecConfigurationRecord c = Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(av1c));
    return new Negotiated.CodecChoice(PAYLOAD_TYPE, "AV1", 90000, 1, Map.of("profile", Integer.toString(c.seqProfile()),
        "level-idx", Integer.toString(c.seqLevelIdx0()), "tier", c.seqTier0() ? "1" : "0"));
  }

  @Override
  public void configure(byte[] av1c) {
    Av1CodecConfigurationRecord.parse(Unpooled.wrappedBuffer(av1c)); // refuses a bad record
    byte[] header = null;
    for (Obus.Obu o : Obus.split(av1c, 4, av1c.length - 4)) {
      if (o.type() == Obus.OBU_SEQUENCE_HEADER) {
        header = o.withoutSizeField(av1c);
        break;
      }
    }
    sequenceHeader = header;
    configured = true;
  }

  @Override
  public boolean configured() {
    return configured;
  }

  @Override
  public long timestamp(long millis) {
    return (timestampBase + millis * 90) & 0xFFFF_FFFFL;
  }

  @Override
  public Packets packetize(ByteBuf payload, long dtsMillis, boolean keyframe, boolean dropBFrames) {
    byte[] tu = new byte[payload.readableBytes()];
    payload.getBytes(payload.readerIndex(), tu);
    List<byte[]> obus = new ArrayList<>();
    boolean hasSequenceHeader = false;
    for (Obus.Obu o : Obus.split(tu, 0, tu.length)) {
      switch (o.type()) {
        case Obus.OBU_TEMPORAL_DELIMITER, Obus.OBU_TILE_LIST, Obus.OBU_PADDING -> { }
        default -> {
          hasSequenceHeader |= o.type() == Obus.OBU_SEQUENCE_HEADER;
          obus.add(o.withoutSizeField(tu));
        }
      }
    }
    if (obus.isEmpty()) {
      return new Packets(List.of(), false);
    }
    if (keyframe && !hasSequenceHeader) {
      if (sequenceHeader == null) {
        throw new Av1Exception("keyframe without a sequence header, and none in av1C");
      }
      obus.addFirst(sequenceHeader);
    }
    List<Av1Packetizer.Payload> payloads = new ArrayList<>();
    packetizer.packetize(obus, keyframe, payloads);
    long ts = timestamp(dtsMillis);
    List<ByteBuf> packets = new ArrayList<>(payloads.size());
    for (Av1Packetizer.Payload p : payloads) {
      try {
        packets.add(writer.write(p.bytes(), p.marker(), ts));
      } finally {
        p.bytes().release();
      }
    }
    return new Packets(packets, keyframe);
  }

}
