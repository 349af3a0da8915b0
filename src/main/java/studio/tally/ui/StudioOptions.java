package studio.tally.ui;

import java.nio.file.Path;

/**
 * How the studio window starts (OBS-style launch flags).
 *
 * @param profileDir settings directory, or null for the platform's config dir
 */
public record StudioOptions(Path profileDir, boolean startStreaming, boolean startRecording) {
  public static final StudioOptions DEFAULT = new StudioOptions(null, false, false);
}
