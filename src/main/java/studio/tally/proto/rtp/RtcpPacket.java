package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * One RTCP packet of a compound packet (RFC 3550 §6). Every packet starts with the common header:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |        length (words - 1)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * {@link #parseCompound} walks a compound packet; reduced-size RTCP (RFC 5506: one packet, not
 * starting with SR/RR) is accepted because nothing here requires the SR/RR first.
 */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, SourceDescription, Bye, AppPacket,
    GenericNack, TransportCcFeedback, PictureLossIndication, FullIntraRequest, Remb, UnknownRtcp {

  int SR = 200;
  int RR = 201;
  int SDES = 202;
  int BYE = 203;
  int APP = 204;
  int RTPFB = 205;
  int PSFB = 206;

  /** Appends this packet, header included, to {@code out}. */
  void write(ByteBuf out);

  /** Parses every packet of the compound packet in {@code buf}'s readable bytes (indexes unchanged). */
  static List<RtcpPacket> parseCompound(ByteBuf buf) {
    List<RtcpPacket> out = new ArrayList<>();
    int at = buf.readerIndex();
    int end = buf.writerIndex();
    while (at < end) {
      int len = packetLength(buf, at, end - at);
      out.add(parse(buf, at, len));
      at += len;
    }
    return out;
  }

  /** Writes a compound packet. */
  static void writeCompound(ByteBuf out, List<? extends RtcpPacket> packets) {
    for (RtcpPacket p : packets) {
      p.write(out);
    }
  }

  /** The byte length of the packet starting at {@code at}, checked against {@code available}. */
  static int packetLength(ByteBuf buf, int at, int available) {
    if (available < 4) {
      throw new RtpException("rtcp: " + available + " bytes left, below the 4-byte header");
    }
    int b0 = buf.getUnsignedByte(at);
    if (b0 >>> 6 != 2) {
      throw new RtpException("rtcp: version " + (b0 >>> 6) + ", expected 2");
    }
    int len = 4 * (buf.getUnsignedShort(at + 2) + 1);
    if (len > available) {
      throw new RtpException("rtcp: length " + len + " overruns the " + available + " bytes left");
    }
    return len;
  }

  /** Parses the single packet {@code buf[at, at+len)}. */
  static RtcpPacket parse(ByteBuf buf, int at, int len) {
    int b0 = buf.getUnsignedByte(at);
    int count = b0 & 0x1f;
    int pt = buf.getUnsignedByte(at + 1);
    int bodyEnd = len;
    if ((b0 & 0x20) != 0) {
      int pad = buf.getUnsignedByte(at + len - 1);
      if (pad == 0 || pad > len - 4) {
        throw new RtpException("rtcp: padding length " + pad + " in a " + len + "-byte packet");
      }
      bodyEnd = len - pad;
    }
    RtcpReader r = new RtcpReader(buf, at + 4, at + bodyEnd, pt);
    return switch (pt) {
      case SR -> SenderReport.parse(r, count);
      case RR -> ReceiverReport.parse(r, count);
      case SDES -> SourceDescription.parse(r, count);
      case BYE -> Bye.parse(r, count);
      case APP -> AppPacket.parse(r, count);
      case RTPFB -> switch (count) {
        case GenericNack.FMT -> GenericNack.parse(r);
        case TransportCcFeedback.FMT -> TransportCcFeedback.parse(r);
        default -> UnknownRtcp.parse(r, pt, count);
      };
      case PSFB -> switch (count) {
        case PictureLossIndication.FMT -> PictureLossIndication.parse(r);
        case FullIntraRequest.FMT -> FullIntraRequest.parse(r);
        case Remb.FMT -> Remb.isRemb(r) ? Remb.parse(r) : UnknownRtcp.parse(r, pt, count);
        default -> UnknownRtcp.parse(r, pt, count);
      };
      default -> UnknownRtcp.parse(r, pt, count);
    };
  }

  /** Writes the common header with a placeholder length; returns where the packet starts. */
  static int writeHeader(ByteBuf out, int count, int pt) {
    int start = out.writerIndex();
    out.writeByte(0x80 | (count & 0x1f));
    out.writeByte(pt);
    out.writeShort(0);
    return start;
  }

  /** Pads to 32 bits with zeros (no P bit: the padding is within the last item) and sets the length. */
  static void finish(ByteBuf out, int start) {
    while ((out.writerIndex() - start) % 4 != 0) {
      out.writeByte(0);
    }
    out.setShort(start + 2, (out.writerIndex() - start) / 4 - 1);
  }
}
