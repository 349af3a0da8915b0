package studio.tally.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One source of the scene.
 *
 * @param id stable identity for edits
 * @param deviceId the media layer's device id ("x11grab::0.0", "v4l2:/dev/video0", "pulse:default");
 *     null for test-pattern and tone, and for "the default one" of its kind
 * @param region screen region {@code x,y,WxH}, or null for the whole screen
 * @param placement where a video source goes (ignored for audio)
 * @param gainDb audio gain (ignored for video)
 */
public record SceneSource(String id, Kind kind, String deviceId, String region, Placement placement, double gainDb,
    boolean muted) {

  /** What a source captures. JSON names: screen, camera, mic, desktop-audio, test-pattern, tone. */
  public enum Kind {
    SCREEN(true), CAMERA(true), MIC(false), DESKTOP_AUDIO(false), TEST_PATTERN(true), TONE(false);

    private final boolean video;

    Kind(boolean video) {
      this.video = video;
    }

    public boolean isVideo() {
      return video;
    }

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.wireName().equals(s)) return k;
      }
      throw new IllegalArgumentException("unknown source kind '" + s + "': use screen, camera, mic, desktop-audio, test-pattern or tone");
    }
  }

  public SceneSource {
    Objects.requireNonNull(kind, "source kind");
    id = id == null || id.isBlank() ? UUID.randomUUID().toString().substring(0, 8) : id;
    deviceId = deviceId == null || deviceId.isBlank() ? null : deviceId;
    region = region == null || region.isBlank() ? null : region.strip();
    placement = kind.isVideo() ? Objects.requireNonNullElse(placement, Placement.FULL) : null;
    if (!(gainDb >= -60 && gainDb <= 30)) throw new IllegalArgumentException("gain " + gainDb + " dB must be within -60..30");
  }

  public static SceneSource video(Kind kind, String deviceId, Placement placement) {
    return new SceneSource(null, kind, deviceId, null, placement, 0, false);
  }

  public static SceneSource audio(Kind kind, String deviceId) {
    return new SceneSource(null, kind, deviceId, null, null, 0, false);
  }

  public SceneSource withPlacement(Placement p) {
    return new SceneSource(id, kind, deviceId, region, p, gainDb, muted);
  }

  public SceneSource withGain(double db) {
    return new SceneSource(id, kind, deviceId, region, placement, db, muted);
  }

  public SceneSource withMuted(boolean m) {
    return new SceneSource(id, kind, deviceId, region, placement, gainDb, m);
  }
}
