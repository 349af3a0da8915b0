package studio.tally.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where and how the studio records.
 *
 * @param folder directory for recordings (created when recording starts)
 * @param format "mp4" (fragmented while recording, faststart when stopped) or "mkv"
 */
public record RecordingSettings(String folder, String format) {

  public RecordingSettings {
    if (folder == null || folder.isBlank()) folder = defaultFolder().toString();
    format = format == null ? "mp4" : format.strip().toLowerCase(Locale.ROOT);
    if (!format.equals("mp4") && !format.equals("mkv")) {
      throw new IllegalArgumentException("recording format '" + format + "' must be mp4 or mkv");
    }
  }

  public static RecordingSettings defaults() {
    return new RecordingSettings(defaultFolder().toString(), "mp4");
  }

  public Path folderPath() {
    return Path.of(folder);
  }

  /** ~/Videos when it exists (Linux, Windows), ~/Movies on macOS, else the home directory. */
  static Path defaultFolder() {
    Path home = Path.of(System.getProperty("user.home"));
    for (String name : new String[] {"Videos", "Movies"}) {
      if (home.resolve(name).toFile().isDirectory()) return home.resolve(name);
    }
    return home;
  }
}
