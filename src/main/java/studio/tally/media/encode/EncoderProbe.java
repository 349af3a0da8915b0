package studio.tally.media.encode;

/**
 * What probing one encoder found: usable, or why not in FFmpeg's own words.
 *
 * @param reason null when usable
 * @param millis how long opening (and encoding one frame) took
 */
public record EncoderProbe(String name, String codec, boolean hardware, boolean usable, String reason, long millis) {
  @Override
  public String toString() {
    return String.format("%-20s %-5s %-8s %s", name, codec, hardware ? "hardware" : "software",
        usable ? "usable (" + millis + " ms)" : "not usable: " + reason);
  }
}
