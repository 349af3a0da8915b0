package studio.tally.server.hub;

import java.util.Objects;

/**
 * One track of a stream in the hub's neutral form: its kind, its codec and the codec's decoder
 * configuration as the codec's own spec writes it (avcC, hvcC, av1C, AudioSpecificConfig; empty for
 * codecs without one, e.g. Opus as RTP carries it).
 */
public record MediaTrack(Kind kind, Codec codec, byte[] config) {

  public enum Kind { AUDIO, VIDEO }

  /** The codecs the hub can name; {@code OTHER} is carried but no mapper converts it. */
  public enum Codec {
    H264(Kind.VIDEO), HEVC(Kind.VIDEO), AV1(Kind.VIDEO), VP8(Kind.VIDEO), VP9(Kind.VIDEO),
    AAC(Kind.AUDIO), OPUS(Kind.AUDIO), OTHER(null);

    /** null for {@link #OTHER}. */
    public final Kind kind;

    Codec(Kind kind) {
      this.kind = kind;
    }
  }

  public MediaTrack {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(codec, "codec");
    config = config == null ? new byte[0] : config.clone();
  }

  @Override
  public byte[] config() {
    return config.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MediaTrack t && t.kind == kind && t.codec == codec && java.util.Arrays.equals(t.config, config);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + codec.hashCode()) + java.util.Arrays.hashCode(config);
  }

  @Override
  public String toString() {
    return kind + " " + codec + " (" + config.length + " B config)";
  }
}
