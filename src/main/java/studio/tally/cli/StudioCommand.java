package studio.tally.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import studio.tally.config.SettingsStore;
import studio.tally.ui.StudioLauncher;
import studio.tally.ui.StudioOptions;
import studio.tally.ui.WindowUnavailableException;

@Command(name = "studio", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Open the studio window (what `tally` with no arguments does; the flags work there too).",
        "Preview, sources, audio mixer, destinations; the embedded server starts with it."})
final class StudioCommand implements Callable<Integer> {

  @Mixin StudioFlags flags = new StudioFlags();

  StudioCommand() {}

  StudioCommand(StudioFlags flags) {
    this.flags = flags;
  }

  @Override
  public Integer call() {
    Path profile = flags.profile;
    if (profile != null && Files.exists(profile) && !Files.isDirectory(profile)) {
      throw new UserError("--profile: " + profile + " is a file, not a directory");
    }
    Path dir = profile != null ? profile : SettingsStore.platformDir();
    // held until this JVM exits: a second studio on the same settings would overwrite them
    try (ProfileLock lock = ProfileLock.acquire(dir)) {
      StudioLauncher launcher = new StudioLauncher(new StudioOptions(profile, flags.startStreaming, flags.startRecording));
      Signals.onTerminate(launcher::requestClose);
      return launcher.run();
    } catch (WindowUnavailableException e) {
      throw new UserError(e.getMessage(), 1);
    }
  }
}
