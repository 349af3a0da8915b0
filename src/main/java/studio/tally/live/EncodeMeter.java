package studio.tally.live;

import java.util.ArrayDeque;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/** Counts what the encoder produces: bitrate and fps over the last two seconds. */
final class EncodeMeter implements PacketSink {
  private static final long WINDOW = 2_000_000_000L;

  private record Sample(long nanos, int bytes, boolean video) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  @Override
  public void onFormat(StreamFormat format) {}

  @Override
  public synchronized void onPacket(EncodedPacket p) {
    long now = System.nanoTime();
    samples.add(new Sample(now, p.data().length, p.isVideo()));
    prune(now);
  }

  synchronized double kbps() {
    long now = System.nanoTime();
    prune(now);
    return samples.stream().mapToLong(Sample::bytes).sum() * 8 / 1000.0 / (WINDOW / 1e9);
  }

  synchronized double fps() {
    long now = System.nanoTime();
    prune(now);
    return samples.stream().filter(Sample::video).count() / (WINDOW / 1e9);
  }

  private void prune(long now) {
    while (!samples.isEmpty() && now - samples.peek().nanos() > WINDOW) samples.poll();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "encode meter";
  }
}
