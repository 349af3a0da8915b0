package studio.tally.media.encode;

/**
 * How to encode video. CBR at bitrateKbps (maxrate = bitrate, 1 s VBV buffer), a keyframe every
 * keyframeSeconds, no B-frames unless asked (live outputs and WebRTC want none).
 *
 * @param encoder an FFmpeg encoder name ("libx264", "h264_nvenc", ...) or "auto" (first usable)
 * @param codec "h264" (what {@link VideoEncoder} packs for outputs today)
 * @param preset encoder preset; null = the encoder's live default (veryfast for x264, p4 for nvenc)
 * @param profile "baseline", "main", "high" or null for the encoder's default
 * @param threads encoder threads, 0 = FFmpeg decides
 */
public record EncoderSettings(String encoder, String codec, int bitrateKbps, double keyframeSeconds, String preset,
    String profile, int bFrames, int threads) {

  public EncoderSettings {
    if (encoder == null || encoder.isBlank()) encoder = "auto";
    if (codec == null) codec = "h264";
    if (bitrateKbps < 50 || bitrateKbps > 200_000) {
      throw new IllegalArgumentException("video bitrate " + bitrateKbps + " kbps out of range 50..200000");
    }
    if (!(keyframeSeconds > 0 && keyframeSeconds <= 60)) {
      throw new IllegalArgumentException("keyframe interval " + keyframeSeconds + " s out of range (0, 60]");
    }
    if (bFrames < 0 || bFrames > 16) throw new IllegalArgumentException("b-frames " + bFrames + " out of range 0..16");
  }

  /** auto encoder, H.264, 2 s keyframes, no B-frames, encoder defaults otherwise. */
  public static EncoderSettings of(String encoder, int bitrateKbps) {
    return new EncoderSettings(encoder, "h264", bitrateKbps, 2, null, null, 0, 0);
  }

  public EncoderSettings withPreset(String newPreset) {
    return new EncoderSettings(encoder, codec, bitrateKbps, keyframeSeconds, newPreset, profile, bFrames, threads);
  }

  public EncoderSettings withProfile(String newProfile) {
    return new EncoderSettings(encoder, codec, bitrateKbps, keyframeSeconds, preset, newProfile, bFrames, threads);
  }
}
