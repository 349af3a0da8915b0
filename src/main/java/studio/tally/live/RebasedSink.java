package studio.tally.live;

import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * Makes a sink that joins a running encode (a recording started while live) see time start at 0:
 * every timestamp moves back by the first packet's decode time.
 */
final class RebasedSink implements PacketSink {
  private final PacketSink sink;
  private long origin = Long.MIN_VALUE;

  RebasedSink(PacketSink sink) {
    this.sink = sink;
  }

  @Override
  public void onFormat(StreamFormat format) {
    sink.onFormat(format);
  }

  @Override
  public void onPacket(EncodedPacket p) {
    if (origin == Long.MIN_VALUE) origin = p.dtsMicros();
    long dts = Math.max(0, p.dtsMicros() - origin);
    long pts = Math.max(dts, p.ptsMicros() - origin);
    sink.onPacket(new EncodedPacket(p.track(), pts, dts, p.keyframe(), p.data()));
  }

  @Override
  public void close() {
    sink.close();
  }

  @Override
  public String toString() {
    return sink.toString();
  }
}
