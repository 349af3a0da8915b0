package studio.tally.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import studio.tally.ui.StudioLauncher;
import studio.tally.ui.StudioOptions;
import studio.tally.ui.WindowUnavailableException;

@Command(name = "studio", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Open the studio window (what `tally` with no arguments does).",
        "Preview, sources, audio mixer, destinations; the embedded server starts with it."})
final class StudioCommand implements Callable<Integer> {

  @Option(names = "--profile", paramLabel = "DIR",
      description = "Keep settings in DIR instead of the platform's config directory (tests, several setups).")
  Path profile;

  @Option(names = "--start-streaming", description = "Go live as soon as the studio is open.")
  boolean startStreaming;

  @Option(names = "--start-recording", description = "Start recording as soon as the studio is open.")
  boolean startRecording;

  @Override
  public Integer call() {
    if (profile != null && Files.exists(profile) && !Files.isDirectory(profile)) {
      throw new UserError("--profile: " + profile + " is a file, not a directory");
    }
    StudioLauncher launcher = new StudioLauncher(new StudioOptions(profile, startStreaming, startRecording));
    Signals.onTerminate(launcher::requestClose);
    try {
      return launcher.run();
    } catch (WindowUnavailableException e) {
      throw new UserError(e.getMessage(), 1);
    }
  }
}
