package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;
import studio.tally.proto.h264.H264Sps;
import studio.tally.proto.rtp.H264Depacketizer;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.server.hub.ByteRate;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * What the status API shows of one WebRTC stream (SRS {@code /api/v1/streams} fields): bytes in and
 * out, video frames (RTP marker bits), unknown-SSRC drops, and the H.264 SPS seen last, read from
 * keyframe packets as they pass (a single-NAL SPS or one inside a STAP-A). Thread-safe.
 */
public final class RtcStreamStats {
  /** Bytes the publisher sent us (SRTP, as the transports count them). */
  public final LongAdder recvBytes = new LongAdder();
  /** Bytes sent to subscribers. */
  public final LongAdder sendBytes = new LongAdder();
  /** Video frames received (packets with the marker bit). */
  public final LongAdder frames = new LongAdder();
  /** RTP packets of an SSRC the publisher never announced (or a second one of a kind): dropped. */
  public final LongAdder unknownSsrc = new LongAdder();
  public final ByteRate recvRate = new ByteRate(recvBytes::sum);
  public final ByteRate sendRate = new ByteRate(sendBytes::sum);
  private volatile H264Sps sps;

  /** The last H.264 SPS of the current publisher, or null. */
  public H264Sps sps() {
    return sps;
  }

  void resetCodecInfo() {
    sps = null;
  }

  /** A video packet the publisher sent (on its loop); {@code keyframe} as the SFU decided it. */
  void onVideo(ByteBuf packet, RtpPacket p, boolean keyframe, boolean h264) {
    if (p.marker()) {
      frames.increment();
    }
    if (keyframe && h264) {
      H264Sps s = findSps(packet.slice(packet.readerIndex() + p.payloadOffset(), p.payloadLength()));
      if (s != null) {
        sps = s;
      }
    }
  }

  void sample(long nowNanos) {
    recvRate.sample(nowNanos);
    sendRate.sample(nowNanos);
  }

  /** The SPS of one H.264 RTP payload (RFC 6184 single NAL or STAP-A), or null (none, or malformed). */
  static H264Sps findSps(ByteBuf payload) {
    int at = payload.readerIndex();
    int end = at + payload.readableBytes();
    if (at >= end) {
      return null;
    }
    int type = payload.getUnsignedByte(at) & 0x1f;
    try {
      if (type == 7) {
        return H264Sps.parse(payload);
      }
      if (type == H264Depacketizer.STAP_A) {
        for (int i = at + 1; i + 3 <= end; ) {
          int size = payload.getUnsignedShort(i);
          if (size == 0 || i + 2 + size > end) {
            return null;
          }
          if ((payload.getUnsignedByte(i + 2) & 0x1f) == 7) {
            return H264Sps.parse(payload.slice(i + 2, size));
          }
          i += 2 + size;
        }
      }
    } catch (RuntimeException e) { // a publisher's odd SPS must not disturb forwarding; the API shows less
      return null;
    }
    return null;
  }

  /** Whether {@code kind}'s codec is the same in both negotiations (a returning publisher can resume players). */
  static boolean sameCodec(Negotiated a, Negotiated b, Negotiated.Kind kind) {
    var ca = a.media().stream().filter(m -> m.kind() == kind).findFirst().map(m -> m.codec().name().toLowerCase());
    var cb = b.media().stream().filter(m -> m.kind() == kind).findFirst().map(m -> m.codec().name().toLowerCase());
    return ca.equals(cb);
  }
}
