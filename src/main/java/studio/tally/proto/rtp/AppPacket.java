package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * APP (RFC 3550 §6.7), PT 204: subtype in the count field, SSRC, 4-character name, opaque data
 * (a multiple of 32 bits).
 */
public record AppPacket(int subtype, int ssrc, int name, byte[] data) implements RtcpPacket {

  static AppPacket parse(RtcpReader r, int subtype) {
    int ssrc = r.i32("APP SSRC");
    int name = r.i32("APP name");
    return new AppPacket(subtype, ssrc, name, r.bytes(r.remaining(), "APP data"));
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, subtype, APP);
    out.writeInt(ssrc);
    out.writeInt(name);
    out.writeBytes(data);
    RtcpPacket.finish(out, start);
  }
}
