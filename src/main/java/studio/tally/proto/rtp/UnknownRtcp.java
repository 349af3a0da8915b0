package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/** An RTCP packet type or feedback format we do not interpret (XR, other FMTs): kept as bytes. */
public record UnknownRtcp(int packetType, int count, byte[] body) implements RtcpPacket {

  static UnknownRtcp parse(RtcpReader r, int pt, int count) {
    return new UnknownRtcp(pt, count, r.bytes(r.remaining(), "body"));
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, count, packetType);
    out.writeBytes(body);
    RtcpPacket.finish(out, start);
  }
}
