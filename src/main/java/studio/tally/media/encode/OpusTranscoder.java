package studio.tally.media.encode;

import java.util.function.Consumer;
import studio.tally.media.EncodedPacket;
import studio.tally.media.MediaException;
import studio.tally.media.transcode.FfmpegAudioTranscoders;
import studio.tally.server.bridge.AudioCodecId;
import studio.tally.server.bridge.AudioFormat;
import studio.tally.server.bridge.AudioTranscoder;
import studio.tally.server.bridge.AudioUnit;
import studio.tally.server.bridge.TranscodeException;

/**
 * The session's AAC as Opus 48 kHz stereo for WebRTC destinations, pts in µs on the session clock:
 * the same FFmpeg transcoder the server's RTMP -&gt; WebRTC bridge uses ({@link FfmpegAudioTranscoders}),
 * adapted to the session's packets. The session keeps one audio encode (AAC, for RTMP and the
 * recording); WebRTC gets this second generation of it, as SRS's own bridge does. One instance per
 * destination, fed from one thread; not thread-safe.
 */
public final class OpusTranscoder implements AutoCloseable {
  private final AudioTranscoder transcoder;

  /**
   * @param audioSpecificConfig the AAC AudioSpecificConfig of the session's format
   * @throws MediaException if the config is bad or this FFmpeg build cannot encode Opus
   */
  public OpusTranscoder(byte[] audioSpecificConfig, int sampleRate, int channels) {
    try {
      transcoder = new FfmpegAudioTranscoders().open(
          new AudioFormat(AudioCodecId.AAC, sampleRate, channels, audioSpecificConfig), AudioFormat.opus());
    } catch (TranscodeException e) {
      throw new MediaException("cannot make Opus of the session's AAC: " + e.getMessage(), e);
    }
  }

  /** Decodes one AAC frame and hands every Opus packet that completes to {@code sink}; a broken frame is skipped. */
  public void transcode(EncodedPacket aac, Consumer<EncodedPacket> sink) {
    try {
      for (AudioUnit u : transcoder.transcode(new AudioUnit(aac.data(), aac.ptsMicros()))) {
        sink.accept(new EncodedPacket(EncodedPacket.Track.AUDIO, u.ptsMicros(), u.ptsMicros(), true, u.data()));
      }
    } catch (TranscodeException e) {
      // a broken AAC frame: skip it, the next one decodes
    }
  }

  @Override
  public void close() {
    transcoder.close();
  }
}
