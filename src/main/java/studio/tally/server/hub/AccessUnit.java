package studio.tally.server.hub;

import io.netty.buffer.ByteBuf;

/**
 * One access unit of a track in the hub's neutral form: a whole coded picture or audio frame on the
 * stream's timeline. The payload is in the codec's storage form: H.264/HEVC as length-prefixed NAL
 * units (the length size is in the track's config), AV1 as OBUs, AAC raw, Opus one packet.
 *
 * @param dtsMillis         decode time on the stream's timeline, in milliseconds
 * @param compositionMillis presentation minus decode time (non-zero only with reordered frames: B-frames)
 * @param keyframe          a decoder can start here
 * @param payload           lent for the duration of the call that hands the unit over; retain or copy to keep it
 */
public record AccessUnit(MediaTrack track, long dtsMillis, int compositionMillis, boolean keyframe, ByteBuf payload) {

  /** Presentation time in milliseconds. */
  public long ptsMillis() {
    return dtsMillis + compositionMillis;
  }
}
