package studio.tally.live;

import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;
import studio.tally.output.RateMeter;

/** Counts what the encoder produces: bitrate and fps over the last two seconds. */
final class EncodeMeter implements PacketSink {
  private final RateMeter rate = new RateMeter();

  @Override
  public void onFormat(StreamFormat format) {}

  @Override
  public void onPacket(EncodedPacket p) {
    rate.record(System.nanoTime(), p.data().length, p.isVideo());
  }

  double kbps() {
    return rate.kbps(System.nanoTime());
  }

  double fps() {
    return rate.fps(System.nanoTime());
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "encode meter";
  }
}
