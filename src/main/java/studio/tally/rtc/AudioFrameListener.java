package studio.tally.rtc;

/** Receives decoded audio from a {@link WhepPlayer}, on libwebrtc's audio thread; copy what you keep. */
@FunctionalInterface
public interface AudioFrameListener {
  /**
   * @param pcm interleaved signed 16-bit little-endian samples (as libwebrtc hands them over)
   * @param frames samples per channel in this block (10 ms worth)
   */
  void onAudio(byte[] pcm, int bitsPerSample, int sampleRate, int channels, int frames);
}
