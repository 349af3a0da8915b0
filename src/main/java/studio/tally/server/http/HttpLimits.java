package studio.tally.server.http;

import java.time.Duration;

/**
 * HTTP limits. Requests must arrive whole within {@code requestTimeout} (slowloris), an idle
 * keep-alive connection closes after {@code keepAliveTimeout}.
 */
public record HttpLimits(int maxInitialLine, int maxHeaderBytes, int maxBodyBytes, Duration requestTimeout,
    Duration keepAliveTimeout) {
  public static final HttpLimits DEFAULT =
      new HttpLimits(8192, 16384, 1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(60));
}
