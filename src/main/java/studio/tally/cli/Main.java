package studio.tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Entry point of {@code ./tally}: with no arguments the studio, otherwise one headless job. */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {"Tally Studio: go live, serve, preview and probe live video.",
        "With no command it opens the studio window, taking the studio's launch flags (as OBS does):",
        "  tally --start-streaming --profile DIR"},
    subcommands = {StudioCommand.class, ServeCommand.class, PublishCommand.class, CallCommand.class, ProbeCommand.class,
        PlayCommand.class, DevicesCommand.class, EncodersCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin StudioFlags studioFlags = new StudioFlags();

  public static void main(String[] args) {
    prepareCacheDir();
    StaleArchives.pruneLater();
    System.exit(run(args));
  }

  /**
   * The installed launchers point the JVM's AppCDS archive (written at exit of the first run) and
   * JavaCPP's unpacked libraries into {@code -Dtally.cache.dir}; the JVM does not create the directory.
   */
  private static void prepareCacheDir() {
    String dir = System.getProperty("tally.cache.dir");
    if (dir == null || dir.isBlank() || dir.contains("$")) return; // "$HOME/...": a variable the launcher could not expand
    try {
      java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
    } catch (java.io.IOException | RuntimeException e) {
      // no archive this time: the app runs the same, only its next start is not faster
    }
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new CleanErrorHandler());
    return cli.execute(args);
  }

  /** No subcommand: open the studio window with the launch flags given (`tally --help` lists the rest). */
  @Override
  public Integer call() {
    return new StudioCommand(studioFlags).call();
  }
}
