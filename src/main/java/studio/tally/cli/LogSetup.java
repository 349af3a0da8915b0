package studio.tally.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The app's logging, set up in code (registered as logback's {@link Configurator} service): one
 * readable line per event on standard error, {@code HH:mm:ss.SSS LEVEL Logger - message}, Netty's
 * own loggers at WARN, everything else at INFO ({@code --log-level} changes the root level at start).
 * Done in code rather than a logback.xml because logback's XML configuration loads ~400 classes (its
 * model processor and the JDK's XML parser) into every process, a server idling included.
 * A {@code -Dlogback.configurationFile=...} of the user's, or a logback-test.xml on the class path
 * (the tests'), still takes over; tests that start the app as a process and read what a user would
 * see pass {@code -Dtally.log=app} to get this set-up beside their logback-test.xml.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || (LogSetup.class.getClassLoader().getResource("logback-test.xml") != null
            && !"app".equals(System.getProperty("tally.log")))) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    OneLine layout = new OneLine();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code HH:mm:ss.SSS LEVEL Logger - message}, then the stack trace when there is one. */
  static final class OneLine extends LayoutBase<ILoggingEvent> {
    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
      StringBuilder line = new StringBuilder(128);
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
      pad(line, t.getHour(), 2).append(':');
      pad(line, t.getMinute(), 2).append(':');
      pad(line, t.getSecond(), 2).append('.');
      pad(line, t.getNano() / 1_000_000, 3).append(' ');
      String level = event.getLevel().toString();
      line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
      String logger = event.getLoggerName();
      line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ")
          .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        line.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator of its own
      }
      return line.toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
      String digits = Integer.toString(value);
      return out.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
    }
  }
}
