package studio.tally.live;

import java.nio.file.Path;

/**
 * @param file the recording being written, or the last one finished; null before the first
 * @param sizeBytes its size on disk now
 * @param active recording right now
 * @param problem why the last recording failed, or null
 */
public record RecordingStatus(Path file, long sizeBytes, boolean active, String problem) {
  public static final RecordingStatus NONE = new RecordingStatus(null, 0, false, null);
}
