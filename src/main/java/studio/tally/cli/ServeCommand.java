package studio.tally.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the embedded media server headless.")
final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("not wired yet");
  }
}
