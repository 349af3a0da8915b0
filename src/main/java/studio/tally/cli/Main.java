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
    subcommands = {StudioCommand.class, ServeCommand.class, PublishCommand.class, DevicesCommand.class, EncodersCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin StudioFlags studioFlags = new StudioFlags();

  public static void main(String[] args) {
    System.exit(run(args));
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
