package studio.tally.config;

/**
 * What the studio encodes.
 *
 * @param encoder "auto" (first usable, hardware first) or an FFmpeg encoder name, e.g. "libx264"
 * @param keyframeIntervalSeconds distance between keyframes; players joining wait at most this long
 */
public record VideoSettings(int width, int height, double fps, int bitrateKbps, String encoder, double keyframeIntervalSeconds) {
  public static final VideoSettings DEFAULT = new VideoSettings(1280, 720, 30, 2500, "auto", 2);

  public VideoSettings {
    if (width < 16 || height < 16 || width > 8192 || height > 8192 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("video size " + width + "x" + height + " must be even and within 16..8192");
    }
    if (!(fps > 0 && fps <= 240)) throw new IllegalArgumentException("video fps " + fps + " must be within (0, 240]");
    if (bitrateKbps < 100 || bitrateKbps > 200_000) {
      throw new IllegalArgumentException("video bitrate " + bitrateKbps + " kbps must be within 100..200000");
    }
    encoder = encoder == null || encoder.isBlank() ? "auto" : encoder.strip();
    if (!(keyframeIntervalSeconds > 0 && keyframeIntervalSeconds <= 20)) {
      throw new IllegalArgumentException("keyframe interval " + keyframeIntervalSeconds + " s must be within (0, 20]");
    }
  }
}
