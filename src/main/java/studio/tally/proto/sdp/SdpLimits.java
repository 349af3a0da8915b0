package studio.tally.proto.sdp;

/**
 * Bounds on what a peer may make the parser hold. A WHIP offer from Chromium with three m= sections
 * is about 6 KB; the defaults leave room for simulcast and many candidates.
 *
 * @param maxLength        largest accepted input, in characters
 * @param maxMediaSections most m= sections
 */
public record SdpLimits(int maxLength, int maxMediaSections) {
  /** 64 KiB, 200 m= sections. */
  public static final SdpLimits DEFAULT = new SdpLimits(64 * 1024, 200);

  public SdpLimits {
    if (maxLength < 1 || maxMediaSections < 0) {
      throw new IllegalArgumentException("limits must be positive: " + maxLength + ", " + maxMediaSections);
    }
  }
}
