package studio.tally.play;

import java.util.Arrays;

/** A growing list of long samples (capped) with median, min and max; pure. */
final class Samples {
  private static final int CAP = 1 << 20;
  private long[] values = new long[64];
  private int size;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  void add(long v) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (size == CAP) return; // min/max stay exact; the median keeps the first million
    if (size == values.length) values = Arrays.copyOf(values, size * 2);
    values[size++] = v;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  long min() {
    return min;
  }

  long max() {
    return max;
  }

  /** The median (the mean of the two middle values for an even count), or 0 when empty. */
  double median() {
    if (size == 0) return 0;
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return size % 2 == 1 ? sorted[size / 2] : (sorted[size / 2 - 1] + sorted[size / 2]) / 2.0;
  }
}
