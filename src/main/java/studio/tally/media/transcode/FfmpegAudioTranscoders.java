package studio.tally.media.transcode;

import studio.tally.server.bridge.AudioFormat;
import studio.tally.server.bridge.AudioTranscoder;
import studio.tally.server.bridge.AudioTranscoderFactory;
import studio.tally.server.bridge.TranscodeException;

/**
 * The server's audio transcoders, done with FFmpeg: AAC &lt;-&gt; Opus (and AAC -&gt; AAC at another rate).
 * Each {@link #open} builds one decoder, resampler, sample FIFO and encoder; see
 * {@link FfmpegAudioTranscoder}.
 */
public final class FfmpegAudioTranscoders implements AudioTranscoderFactory {

  @Override
  public AudioTranscoder open(AudioFormat input, AudioFormat output) throws TranscodeException {
    return FfmpegAudioTranscoder.open(input, output);
  }
}
