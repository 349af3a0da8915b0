package studio.tally.output;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to try again after a lost connection, like OBS: the first retry after {@code initialDelay},
 * each next delay {@code multiplier} times longer, plus a random 0..{@code jitter} fraction, capped
 * at {@code maxDelay}.
 *
 * @param maxAttempts tries after the first connection is lost; 0 = unlimited
 */
public record ReconnectPolicy(Duration initialDelay, double multiplier, double jitter, Duration maxDelay, int maxAttempts) {
  /** 2 s, ×1.5, +0–20 %, at most 30 s, unlimited tries. */
  public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(Duration.ofSeconds(2), 1.5, 0.2, Duration.ofSeconds(30), 0);
  /** Never reconnect: the first loss is final. */
  public static final ReconnectPolicy NEVER = new ReconnectPolicy(Duration.ofSeconds(2), 1.5, 0, Duration.ofSeconds(30), -1);

  public ReconnectPolicy {
    if (initialDelay.isNegative() || maxDelay.isNegative()) throw new IllegalArgumentException("delays must not be negative");
    if (multiplier < 1) throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
    if (jitter < 0 || jitter > 1) throw new IllegalArgumentException("jitter must be 0..1: " + jitter);
  }

  public ReconnectPolicy withInitialDelay(Duration d) {
    return new ReconnectPolicy(d, multiplier, jitter, maxDelay, maxAttempts);
  }

  public ReconnectPolicy withMaxAttempts(int n) {
    return new ReconnectPolicy(initialDelay, multiplier, jitter, maxDelay, n);
  }

  /** Whether try number {@code attempt} (1 = first retry) may happen. */
  public boolean allows(int attempt) {
    return maxAttempts == 0 || attempt <= maxAttempts;
  }

  /** The delay before try number {@code attempt} (1 = first retry). */
  public Duration delay(int attempt, RandomGenerator random) {
    double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double withJitter = base * (1 + (jitter == 0 ? 0 : random.nextDouble(jitter)));
    return Duration.ofMillis((long) Math.min(withJitter, maxDelay.toMillis()));
  }
}
