package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.rtp.H264Packetizer;
import studio.tally.proto.rtp.RtpPacket;

/** One bridged track's RTP packets: its payload type, SSRC and running sequence number. Not thread-safe. */
final class RtpWriter {
  private final ByteBufAllocator alloc;
  private final int payloadType;
  private final int ssrc;
  private int sequence;

  RtpWriter(ByteBufAllocator alloc, int payloadType, int ssrc, int firstSequence) {
    this.alloc = alloc;
    this.payloadType = payloadType;
    this.ssrc = ssrc;
    this.sequence = firstSequence;
  }

  /** A new packet (owned by the caller) carrying the readable bytes of {@code payload} (not consumed). */
  ByteBuf write(ByteBuf payload, boolean marker, long timestamp) {
    ByteBuf out = header(payload.readableBytes(), marker, timestamp);
    out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
    return out;
  }

  /**
   * One access unit's payloads (H.264 or H.265 packetizer output) as RTP packets at {@code timestamp}, owned by
   * the caller; the payloads are released.
   */
  List<ByteBuf> writeAll(List<H264Packetizer.Payload> payloads, long timestamp) {
    List<ByteBuf> packets = new ArrayList<>(payloads.size());
    for (H264Packetizer.Payload p : payloads) {
      try {
        packets.add(write(p.bytes(), p.marker(), timestamp));
      } finally {
        p.bytes().release();
      }
    }
    return packets;
  }

  ByteBuf write(byte[] payload, boolean marker, long timestamp) {
    ByteBuf out = header(payload.length, marker, timestamp);
    out.writeBytes(payload);
    return out;
  }

  private ByteBuf header(int payloadLength, boolean marker, long timestamp) {
    ByteBuf out = alloc.buffer(RtpPacket.HEADER_LENGTH + payloadLength);
    out.writeByte(0x80);
    out.writeByte((marker ? 0x80 : 0) | payloadType);
    out.writeShort(sequence++ & 0xFFFF);
    out.writeInt((int) timestamp);
    out.writeInt(ssrc);
    return out;
  }
}
