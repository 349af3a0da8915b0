package studio.tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./tally}: with no arguments the studio, otherwise one headless job. */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Tally Studio: go live, serve, preview and probe live video.",
    subcommands = {StudioCommand.class, ServeCommand.class, PublishCommand.class, CallCommand.class, ProbeCommand.class,
        PlayCommand.class, DevicesCommand.class, EncodersCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new CleanErrorHandler());
    return cli.execute(args);
  }

  /** No subcommand: open the studio window with its defaults (`tally --help` lists the rest). */
  @Override
  public Integer call() {
    return new StudioCommand().call();
  }
}
