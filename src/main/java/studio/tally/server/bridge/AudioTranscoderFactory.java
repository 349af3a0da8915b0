package studio.tally.server.bridge;

/** Opens transcoders; the server holds one of these, given to it by whoever wires it (media implements it). */
@FunctionalInterface
public interface AudioTranscoderFactory {

  /**
   * Opens a transcoder from {@code input} to {@code output} (the output's config is ignored).
   *
   * @throws TranscodeException if the pair is not supported or the input's config is bad
   */
  AudioTranscoder open(AudioFormat input, AudioFormat output) throws TranscodeException;
}
