package studio.tally.media.capture;

/**
 * A capture device this machine has (or could have): what {@link DeviceCatalog#list()} reports.
 *
 * @param id what a user passes to open it: "format:url", e.g. "x11grab::99.0", "v4l2:/dev/video0",
 *     "pulse:default"
 * @param width picture size for screens/cameras when known (0 otherwise)
 * @param reason null when openable; FFmpeg's reason otherwise
 */
public record Device(Kind kind, String id, String description, boolean openable, String reason, int width, int height) {

  /** What a device captures. */
  public enum Kind { SCREEN, CAMERA, AUDIO_INPUT, /** what a sink plays: desktop audio */ AUDIO_MONITOR }

  /** libavdevice input format: the part of the id before the first ':'. */
  public String format() {
    return id.substring(0, id.indexOf(':'));
  }

  /** Device string handed to libavdevice: the part after the first ':'. */
  public String url() {
    return id.substring(id.indexOf(':') + 1);
  }

  @Override
  public String toString() {
    return String.format("%-11s %-28s %s%s", kind, id, description,
        openable ? (width > 0 ? " (" + width + "x" + height + ")" : "") : " — not openable: " + reason);
  }
}
