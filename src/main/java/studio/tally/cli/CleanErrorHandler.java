package studio.tally.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Users get one clear line and a non-zero exit, never a stack trace (that goes to the debug log). */
final class CleanErrorHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    LoggerFactory.getLogger(CleanErrorHandler.class).debug("command failed", ex);
    String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    String who = cmd.getParent() == null ? cmd.getCommandName() : "tally " + cmd.getCommandName();
    cmd.getErr().println(who + ": " + msg);
    return ex instanceof UserError ue ? ue.exitCode() : 1;
  }
}
