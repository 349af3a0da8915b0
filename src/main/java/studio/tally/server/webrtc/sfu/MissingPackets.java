package studio.tally.server.webrtc.sfu;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import studio.tally.proto.rtp.SeqNum;

/**
 * Gaps in a publisher's sequence numbers, to be NACKed upstream (RFC 4585 §6.2.1) with a small retry
 * budget. A packet that arrives late or as RTX closes its gap. A gap wider than {@code maxMissing}
 * is not worth repairing packet by packet: it is dropped and reported so the caller can ask for a
 * keyframe instead. Not thread-safe: used on the publisher's event loop only.
 */
final class MissingPackets {
  /** What {@link #received} made of a packet. */
  enum Arrival { IN_ORDER, RECOVERED, DUPLICATE_OR_LATE, GAP_TOO_WIDE }

  private static final class Entry {
    final long since;
    long lastNack = Long.MIN_VALUE;
    int nacks;

    Entry(long since) {
      this.since = since;
    }
  }

  private final int maxMissing;
  private final int maxNacks;
  private final long retryMicros;
  private final long maxAgeMicros;
  private final SeqNum.Unwrapper unwrapper = new SeqNum.Unwrapper();
  private final LinkedHashMap<Long, Entry> missing = new LinkedHashMap<>();
  private long highest = -1;
  private long givenUp;
  private long lostTotal;

  MissingPackets(int maxMissing, int maxNacks, long retryMicros, long maxAgeMicros) {
    this.maxMissing = maxMissing;
    this.maxNacks = maxNacks;
    this.retryMicros = retryMicros;
    this.maxAgeMicros = maxAgeMicros;
  }

  static MissingPackets withDefaults() {
    return new MissingPackets(512, 5, 40_000, 1_000_000);
  }

  /** Packet {@code seq} arrived (original or unwrapped RTX). */
  Arrival received(int seq, long nowMicros) {
    long ext = unwrapper.unwrap(seq);
    if (highest < 0 || ext == highest + 1) {
      highest = ext;
      return Arrival.IN_ORDER;
    }
    if (ext <= highest) {
      return missing.remove(ext) != null ? Arrival.RECOVERED : Arrival.DUPLICATE_OR_LATE;
    }
    long gap = ext - highest - 1;
    long from = highest + 1;
    highest = ext;
    lostTotal += gap;
    if (gap > maxMissing) {
      missing.clear();
      return Arrival.GAP_TOO_WIDE;
    }
    for (long s = from; s < ext; s++) {
      missing.put(s, new Entry(nowMicros));
    }
    while (missing.size() > maxMissing) { // the oldest go first
      Iterator<Long> it = missing.keySet().iterator();
      it.next();
      it.remove();
      givenUp++;
    }
    return Arrival.IN_ORDER;
  }

  /**
   * The sequence numbers to NACK now (at most {@code limit}): never NACKed, or NACKed more than the
   * retry interval ago; entries out of budget or too old are dropped.
   */
  int[] due(long nowMicros, int limit) {
    int[] out = new int[Math.min(limit, missing.size())];
    int n = 0;
    for (Iterator<Map.Entry<Long, Entry>> it = missing.entrySet().iterator(); it.hasNext() && n < out.length;) {
      Map.Entry<Long, Entry> e = it.next();
      Entry m = e.getValue();
      if (m.nacks >= maxNacks || nowMicros - m.since > maxAgeMicros) {
        it.remove();
        givenUp++;
        continue;
      }
      if (m.nacks == 0 || nowMicros - m.lastNack >= retryMicros) {
        m.nacks++;
        m.lastNack = nowMicros;
        out[n++] = (int) (e.getKey() & 0xffff);
      }
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  int size() {
    return missing.size();
  }

  /** Packets found missing so far (whether they came later or not). */
  long lostTotal() {
    return lostTotal;
  }

  /** Packets given up on (budget, age or too many at once). */
  long givenUp() {
    return givenUp;
  }
}
