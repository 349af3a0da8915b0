package studio.tally.server.bridge;

import java.util.List;

/**
 * Converts one stream's audio from one codec to another (decode, resample, re-frame, encode).
 * One instance per stream and direction, used from one thread at a time; it holds native state
 * until {@link #close()}.
 */
public interface AudioTranscoder extends AutoCloseable {

  /** The output format; for AAC its {@link AudioFormat#config()} is the encoder's AudioSpecificConfig. */
  AudioFormat output();

  /**
   * Feeds one input unit and returns the output units that became ready (zero or more: the codecs'
   * frame sizes differ, 1024 samples for AAC, 20 ms for Opus). Output times continue the input's
   * timeline. A unit that cannot be decoded throws, and the transcoder stays usable for the next one.
   */
  List<AudioUnit> transcode(AudioUnit input) throws TranscodeException;

  @Override
  void close();
}
