package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * AV1 RTP payloads (the AOM "RTP Payload Format For AV1", §4): one aggregation header byte
 * {@code Z|Y|W(2)|N|0|0|0}, then OBU elements. We always write W = 0, so every element carries its
 * LEB128 length (the format allows it and it keeps one rule for every element); an OBU longer than the
 * room left is split, the packet ending with Y = 1 and the next starting with Z = 1. N is set on the
 * first packet of a temporal unit that starts a coded video sequence (a keyframe with its sequence
 * header); the caller sets the RTP marker from {@link Payload#marker()} (last packet of the temporal
 * unit). OBUs come in as RTP carries them: no size field, no temporal delimiters, tile lists or padding.
 */
public final class Av1Packetizer {
  public static final int DEFAULT_MTU = H264Packetizer.DEFAULT_MTU;

  private final ByteBufAllocator alloc;
  private final int mtu;

  public record Payload(ByteBuf bytes, boolean marker) {}

  /** {@code mtu}: the largest payload (aggregation header included). */
  public Av1Packetizer(ByteBufAllocator alloc, int mtu) {
    if (mtu < 8) {
      throw new IllegalArgumentException("av1: MTU " + mtu + " too small");
    }
    this.alloc = alloc;
    this.mtu = mtu;
  }

  public Av1Packetizer(ByteBufAllocator alloc) {
    this(alloc, DEFAULT_MTU);
  }

  /** Appends the payloads of one temporal unit's OBUs to {@code out}; nothing for no OBU. */
  public void packetize(List<byte[]> obus, boolean newCodedVideoSequence, List<Payload> out) {
    int first = out.size();
    ByteBuf packet = fresh();
    boolean continues = false; // Z of the packet being filled
    for (byte[] obu : obus) {
      int pos = 0;
      while (pos < obu.length) {
        int room = mtu - packet.readableBytes();
        if (room < 2) { // not even a length byte and one byte of OBU: next packet
          emit(packet, continues, false, out);
          packet = fresh();
          continues = false;
          room = mtu - 1;
        }
        int chunk = Math.min(obu.length - pos, room - 1);
        while (chunk > 1 && leb128Size(chunk) + chunk > room) {
          chunk--;
        }
        writeLeb128(packet, chunk);
        packet.writeBytes(obu, pos, chunk);
        pos += chunk;
        if (pos < obu.length) { // the rest of this OBU goes on in the next packet
          emit(packet, continues, true, out);
          packet = fresh();
          continues = true;
        }
      }
    }
    if (packet.readableBytes() > 1) {
      emit(packet, continues, false, out);
    } else {
      packet.release();
    }
    if (out.size() > first) {
      Payload last = out.removeLast();
      out.add(new Payload(last.bytes(), true));
      if (newCodedVideoSequence) {
        ByteBuf b = out.get(first).bytes();
        b.setByte(b.readerIndex(), b.getByte(b.readerIndex()) | 0x08);
      }
    }
  }

  /** A packet with room for the MTU, its aggregation header byte written later by {@link #emit}. */
  private ByteBuf fresh() {
    return alloc.buffer(mtu, mtu).writeByte(0);
  }

  private static void emit(ByteBuf packet, boolean z, boolean y, List<Payload> out) {
    packet.setByte(packet.readerIndex(), (z ? 0x80 : 0) | (y ? 0x40 : 0)); // W = 0, N set by packetize
    out.add(new Payload(packet, false));
  }

  static int leb128Size(int value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  static void writeLeb128(ByteBuf out, int value) {
    do {
      int b = value & 0x7f;
      value >>>= 7;
      out.writeByte(value != 0 ? b | 0x80 : b);
    } while (value != 0);
  }
}
