package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.bits.ByteCursor;

/** Bounds-checked reads within one RTCP packet body; failures name the packet type and field. */
final class RtcpReader extends ByteCursor {

  RtcpReader(ByteBuf buf, int pos, int end, int pt) {
    super(buf, pos, end, (field, needed, left, offset) ->
        new RtpException("rtcp: PT " + pt + " " + field + " needs " + needed + " bytes, " + left + " left"));
  }
}
