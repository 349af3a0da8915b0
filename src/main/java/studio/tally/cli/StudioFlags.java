package studio.tally.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The studio's launch flags, as OBS users type them: {@code tally --start-streaming --profile DIR}
 * works like {@code tally studio ...}; OBS's own spellings ({@code --startstreaming},
 * {@code --startrecording}) are accepted too. Shared by {@link Main} and {@link StudioCommand}.
 */
final class StudioFlags {

  @Option(names = "--profile", paramLabel = "DIR",
      description = "Keep settings in DIR instead of the platform's config directory (tests, several setups). "
          + "One studio per profile: a second one says so and exits.")
  Path profile;

  @Option(names = {"--start-streaming", "--startstreaming"}, description = "Go live as soon as the studio is open.")
  boolean startStreaming;

  @Option(names = {"--start-recording", "--startrecording"}, description = "Start recording as soon as the studio is open.")
  boolean startRecording;
}
