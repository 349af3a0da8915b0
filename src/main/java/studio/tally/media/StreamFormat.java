package studio.tally.media;

/**
 * What an encode session produces, known before its first packet: what a muxer or an RTMP
 * publisher needs for metadata and sequence headers.
 *
 * @param video null when the session has no video
 * @param audio null when the session has no audio
 */
public record StreamFormat(Video video, Audio audio) {

  /**
   * @param codec "h264", "hevc" or "av1"
   * @param decoderConfig AVCDecoderConfigurationRecord (avcC) for H.264, hvcC for HEVC, av1C for AV1
   * @param encoderName the FFmpeg encoder actually used (e.g. "libx264", "h264_nvenc")
   */
  public record Video(String codec, int width, int height, double fps, int bitrateKbps, byte[] decoderConfig,
      String encoderName) {}

  /** @param audioSpecificConfig ISO 14496-3 AudioSpecificConfig (AAC) */
  public record Audio(String codec, int sampleRate, int channels, int bitrateKbps, byte[] audioSpecificConfig) {}
}
