package studio.tally.server.bridge;

import java.util.Objects;

/**
 * One side of a transcode: codec, sample rate and channel count, and for AAC the
 * AudioSpecificConfig (ISO 14496-3 1.6.2.1) that FLV carries in its sequence header.
 *
 * @param config the AudioSpecificConfig bytes for AAC (an input needs it; an output's is filled in by
 *     the transcoder, see {@link AudioTranscoder#output()}); empty for Opus
 */
public record AudioFormat(AudioCodecId codec, int sampleRate, int channels, byte[] config) {
  public AudioFormat {
    Objects.requireNonNull(codec, "codec");
    if (sampleRate <= 0) throw new IllegalArgumentException("sample rate " + sampleRate);
    if (channels <= 0) throw new IllegalArgumentException("channels " + channels);
    config = config == null ? new byte[0] : config.clone();
  }

  /** Opus as WebRTC carries it: 48 kHz stereo (RFC 7587 §7). */
  public static AudioFormat opus() {
    return new AudioFormat(AudioCodecId.OPUS, 48_000, 2, null);
  }

  @Override
  public byte[] config() {
    return config.clone();
  }
}
