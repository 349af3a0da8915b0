package studio.tally.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * One encode, many outputs: forwards everything to each sink in turn. A sink that throws is logged
 * once, marked failed and skipped from then on; the others never notice. Sinks must not block (an
 * {@link RtmpPublisher} only queues).
 */
public final class FanOut implements PacketSink {
  private static final Logger log = LoggerFactory.getLogger(FanOut.class);

  private final List<PacketSink> sinks;
  private final Set<PacketSink> failed = ConcurrentHashMap.newKeySet();

  public FanOut(List<? extends PacketSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  public List<PacketSink> sinks() {
    return sinks;
  }

  /** Sinks that threw and no longer receive anything. */
  public Set<PacketSink> failed() {
    return Set.copyOf(failed);
  }

  @Override
  public void onFormat(StreamFormat format) {
    for (PacketSink s : sinks) {
      if (!failed.contains(s)) {
        try {
          s.onFormat(format);
        } catch (RuntimeException e) {
          markFailed(s, e);
        }
      }
    }
  }

  @Override
  public void onPacket(EncodedPacket packet) {
    for (PacketSink s : sinks) {
      if (!failed.contains(s)) {
        try {
          s.onPacket(packet);
        } catch (RuntimeException e) {
          markFailed(s, e);
        }
      }
    }
  }

  /** Closes every sink, last first; one failing to close does not keep the others open. */
  @Override
  public void close() {
    for (PacketSink s : new ArrayList<>(sinks).reversed()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        log.warn("output {} failed to close: {}", s, e.toString());
      }
    }
  }

  private void markFailed(PacketSink s, RuntimeException e) {
    if (failed.add(s)) {
      log.warn("output {} failed and is dropped from the session: {}", s, e.toString());
    }
  }
}
