package studio.tally.live;

import java.util.function.Consumer;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * Makes a sink that joins a running encode (a recording started while live) see time start at 0:
 * every timestamp moves back by the first packet's decode time. The first failure of the sink
 * (disk full, folder gone) is reported once, then rethrown so the fan-out drops the sink.
 */
final class RebasedSink implements PacketSink {
  private final PacketSink sink;
  private final Consumer<String> onFailure;
  private long origin = Long.MIN_VALUE;
  private boolean failed;

  RebasedSink(PacketSink sink, Consumer<String> onFailure) {
    this.sink = sink;
    this.onFailure = onFailure;
  }

  @Override
  public void onFormat(StreamFormat format) {
    try {
      sink.onFormat(format);
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  @Override
  public void onPacket(EncodedPacket p) {
    if (origin == Long.MIN_VALUE) origin = p.dtsMicros();
    long dts = Math.max(0, p.dtsMicros() - origin);
    long pts = Math.max(dts, p.ptsMicros() - origin);
    try {
      sink.onPacket(new EncodedPacket(p.track(), pts, dts, p.keyframe(), p.data()));
    } catch (RuntimeException e) {
      throw failed(e);
    }
  }

  private RuntimeException failed(RuntimeException e) {
    if (!failed) {
      failed = true;
      onFailure.accept(e.getMessage());
    }
    return e;
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
