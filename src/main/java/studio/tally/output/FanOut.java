package studio.tally.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * One encode, many outputs: forwards everything to each sink in turn. A sink that throws is logged
 * once, marked failed and skipped from then on; the others never notice. Sinks must not block (an
 * {@link RtmpPublisher} only queues).
 *
 * <p>Sinks may join and leave while the encode runs (a destination enabled while live, a recording
 * started while streaming). A sink that joins after the format was sent waits for the next video
 * keyframe: it then gets the format and, from that keyframe on, every packet — so it starts on a
 * picture a decoder can show. (Without video it joins at the next packet.) A sink that leaves is not
 * closed here: whoever removed it closes it.
 */
public final class FanOut implements PacketSink {
  private static final Logger log = LoggerFactory.getLogger(FanOut.class);

  private final List<PacketSink> sinks = new CopyOnWriteArrayList<>();
  /** Joined, but waiting for a keyframe before their first packet. */
  private final Set<PacketSink> waiting = ConcurrentHashMap.newKeySet();
  private final Set<PacketSink> failed = ConcurrentHashMap.newKeySet();
  private volatile StreamFormat format;
  private volatile boolean closed;

  public FanOut(List<? extends PacketSink> sinks) {
    this.sinks.addAll(sinks);
  }

  /** The sinks now attached (waiting and failed ones included). */
  public List<PacketSink> sinks() {
    return List.copyOf(sinks);
  }

  /** Sinks that threw and no longer receive anything. */
  public Set<PacketSink> failed() {
    return Set.copyOf(failed);
  }

  /**
   * Attaches a sink. Before the format is known it gets everything from the start; afterwards it
   * joins at the next video keyframe. Adding a sink twice, or to a closed fan-out, fails.
   */
  public void add(PacketSink sink) {
    if (closed) throw new IllegalStateException("fan-out closed: cannot add " + sink);
    if (sinks.contains(sink)) throw new IllegalArgumentException("sink already attached: " + sink);
    if (format != null) waiting.add(sink);
    sinks.add(sink);
  }

  /**
   * Detaches a sink; it gets nothing more (a packet being delivered right now may still reach it).
   * Does not close it. Returns whether it was attached.
   */
  public boolean remove(PacketSink sink) {
    boolean removed = sinks.remove(sink);
    waiting.remove(sink);
    failed.remove(sink);
    return removed;
  }

  @Override
  public void onFormat(StreamFormat f) {
    format = f;
    for (PacketSink s : sinks) {
      if (!failed.contains(s) && !waiting.contains(s)) deliver(s, f, null);
    }
  }

  @Override
  public void onPacket(EncodedPacket packet) {
    StreamFormat f = format;
    boolean joinPoint = packet.isVideo() ? packet.keyframe() : f != null && f.video() == null;
    for (PacketSink s : sinks) {
      if (failed.contains(s)) continue;
      if (waiting.contains(s)) {
        if (!joinPoint || !deliver(s, f, null)) continue;
        waiting.remove(s);
      }
      deliver(s, null, packet);
    }
  }

  /** Closes every attached sink, last first; one failing to close does not keep the others open. */
  @Override
  public void close() {
    closed = true;
    for (PacketSink s : new ArrayList<>(sinks).reversed()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("output {} failed to close: {}", s, e.toString());
      }
    }
  }

  private boolean deliver(PacketSink s, StreamFormat f, EncodedPacket p) {
    try {
      if (f != null) s.onFormat(f);
      else s.onPacket(p);
      return true;
    } catch (RuntimeException e) {
      if (failed.add(s)) log.warn("output {} failed and is dropped from the session: {}", s, e.toString());
      return false;
    }
  }
}
