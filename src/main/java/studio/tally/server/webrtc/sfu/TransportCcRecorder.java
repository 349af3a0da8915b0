package studio.tally.server.webrtc.sfu;

import java.util.Arrays;
import studio.tally.proto.rtp.SeqNum;
import studio.tally.proto.rtp.TransportCcFeedback;

/**
 * Receive side of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): records the arrival time of every packet by
 * its transport-wide sequence number and turns them into {@link TransportCcFeedback} packets. The
 * sender (Chromium's GCC) estimates the bandwidth from the receive deltas; we only report them.
 * Each feedback covers the packets after the last one reported up to the highest received, those
 * missing reported lost; a packet arriving after its range was reported is ignored. Arrival times
 * live in a ring (no allocation per packet). Not thread-safe: used on the publisher's event loop.
 */
final class TransportCcRecorder {
  private static final int RING = 4096;
  /** Keeps one feedback packet well inside an MTU. */
  static final int MAX_PACKETS_PER_FEEDBACK = 400;

  private final SeqNum.Unwrapper unwrapper = new SeqNum.Unwrapper();
  private final long[] seqAt = new long[RING];
  private final long[] arrivalMicros = new long[RING];
  private long next = -1;
  private long highest = -1;
  private int feedbackCount;

  TransportCcRecorder() {
    Arrays.fill(seqAt, -1);
  }

  /** A packet with transport-wide sequence number {@code seq} arrived at {@code micros}. */
  void received(int seq, long micros) {
    long ext = unwrapper.unwrap(seq);
    if (next < 0) {
      next = ext;
    }
    if (ext < next) {
      return; // already reported as lost
    }
    int slot = (int) (ext & (RING - 1));
    seqAt[slot] = ext;
    arrivalMicros[slot] = micros;
    if (ext > highest) {
      highest = ext;
    }
    if (highest - next >= RING) { // not polled for a long time: the oldest slots were overwritten
      next = highest - RING + 1;
    }
  }

  /** The next feedback packet, or null when nothing arrived since the last one. */
  TransportCcFeedback poll(int senderSsrc, int mediaSsrc) {
    if (next < 0 || highest < next) {
      return null;
    }
    long firstReceived = next;
    while (firstReceived <= highest && !has(firstReceived)) {
      firstReceived++;
    }
    if (firstReceived > highest) {
      next = highest + 1;
      return null;
    }
    // losses before the first received packet are reported too, unless so many that they crowd it out
    long base = firstReceived - next < MAX_PACKETS_PER_FEEDBACK / 2 ? next : firstReceived;
    int count = (int) Math.min(highest - base + 1, MAX_PACKETS_PER_FEEDBACK);
    long first = arrivalMicros[slot(firstReceived)];
    int reference = (int) Math.floorDiv(first, TransportCcFeedback.REFERENCE_MICROS);
    long t = (long) reference * TransportCcFeedback.REFERENCE_MICROS;
    byte[] statuses = new byte[count];
    int[] deltas = new int[count];
    int d = 0;
    for (int i = 0; i < count; i++) {
      long ext = base + i;
      if (!has(ext)) {
        statuses[i] = TransportCcFeedback.NOT_RECEIVED;
        continue;
      }
      long ticks = Math.round((arrivalMicros[slot(ext)] - t) / (double) TransportCcFeedback.DELTA_MICROS);
      if (ticks < Short.MIN_VALUE || ticks > Short.MAX_VALUE) {
        count = i; // too far from the previous one: the rest goes into the next feedback
        break;
      }
      t += ticks * TransportCcFeedback.DELTA_MICROS; // follow the quantized clock, no drift
      statuses[i] = (byte) (ticks >= 0 && ticks <= 255 ? TransportCcFeedback.SMALL_DELTA
          : TransportCcFeedback.LARGE_DELTA);
      deltas[d++] = (int) ticks;
    }
    next = base + count;
    return new TransportCcFeedback(senderSsrc, mediaSsrc, (int) (base & 0xffff), reference & 0xffffff,
        feedbackCount++ & 0xff, Arrays.copyOf(statuses, count), Arrays.copyOf(deltas, d));
  }

  private boolean has(long ext) {
    return seqAt[slot(ext)] == ext;
  }

  private static int slot(long ext) {
    return (int) (ext & (RING - 1));
  }
}
