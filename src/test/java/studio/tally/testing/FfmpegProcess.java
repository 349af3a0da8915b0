package studio.tally.testing;

import java.util.List;
import java.util.Map;

/** A running ffmpeg: {@link #stop()} first sends 'q' on stdin so ffmpeg finishes its output cleanly. */
public final class FfmpegProcess extends PeerProcess {
  FfmpegProcess(String name, List<String> command, Map<String, String> environment) {
    super(name, command, environment, "q");
  }
}
