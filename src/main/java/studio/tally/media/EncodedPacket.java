package studio.tally.media;

import java.util.Objects;

/**
 * One encoded access unit leaving the encoder, in the form RTMP/FLV and MP4 carry it: H.264/HEVC as
 * length-prefixed NAL units (AVCC, 4-byte lengths), AAC as raw frames (no ADTS). Immutable; the
 * array is never modified after construction, so one packet may feed any number of outputs.
 *
 * @param track which elementary stream
 * @param ptsMicros presentation time on the session clock, microseconds
 * @param dtsMicros decode time, microseconds (equal to pts without B-frames)
 * @param keyframe an IDR / random access point (always true for audio)
 * @param data the payload
 */
public record EncodedPacket(Track track, long ptsMicros, long dtsMicros, boolean keyframe, byte[] data) {

  /** The elementary streams of a session. */
  public enum Track { VIDEO, AUDIO }

  public EncodedPacket {
    Objects.requireNonNull(track, "track");
    Objects.requireNonNull(data, "data");
  }

  public boolean isVideo() {
    return track == Track.VIDEO;
  }
}
