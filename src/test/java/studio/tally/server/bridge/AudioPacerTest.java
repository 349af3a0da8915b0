package studio.tally.server.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AAC (1024 samples a unit) transcoded to Opus (960 a packet) comes out in a saw-tooth: a packet is ready when
 * the AAC unit that completes it arrives, so most units yield one packet and one in 15 yields two. The pacer
 * sends them one per 20 ms on their media clock, never before they are ready.
 */
class AudioPacerTest {
  private static final double AAC_MS = 1024 / 48.0;
  private static final double OPUS_MS = 20;

  /** Send times of {@code packets} Opus packets whose AAC arrives {@code arrivalLag(unit)} ms after its end (in order). */
  private static List<double[]> run(AudioPacer pacer, int packets, java.util.function.IntToDoubleFunction arrivalLag) {
    List<double[]> out = new ArrayList<>(); // {nominal, ready, sendAt}
    int unit = 0;
    double lastReady = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < packets; k++) {
      double end = (k + 1) * OPUS_MS;
      while ((unit + 1) * AAC_MS < end) { // the AAC unit whose samples complete packet k
        unit++;
      }
      double ready = Math.max(lastReady, (unit + 1) * AAC_MS + arrivalLag.applyAsDouble(unit)); // TCP: in order
      lastReady = ready;
      double nominal = k * OPUS_MS;
      out.add(new double[] {nominal, ready, pacer.sendAt(nominal, ready)});
    }
    return out;
  }

  @Test
  void lumpyPacketsLeaveEvenlyOnTheirMediaClock() {
    List<double[]> sent = run(new AudioPacer(), 500, u -> 2);
    int lumps = 0;
    for (int k = 1; k < sent.size(); k++) {
      double[] p = sent.get(k);
      assertThat(p[2]).as("packet %d leaves after it is ready", k).isGreaterThanOrEqualTo(p[1]);
      if (p[1] - sent.get(k - 1)[1] < 1) {
        lumps++; // ready together with the one before
      }
      if (p[0] >= 400) { // after the first saw-tooth: the largest lag holds, so 20 ms apart exactly
        assertThat(p[2] - sent.get(k - 1)[2]).as("spacing before packet %d", k).isCloseTo(OPUS_MS, within(1e-6));
      }
    }
    assertThat(lumps).as("packets ready in pairs (one AAC unit yields two)").isGreaterThan(25);
    double[] last = sent.getLast();
    // a packet is ready 0-21.3 ms after its end (+ 2 ms arrival): it leaves at the largest of those
    assertThat(last[2] - last[0]).as("send delay: the saw-tooth's largest lag")
        .isBetween(OPUS_MS + 2 + AAC_MS - 2, OPUS_MS + 2 + AAC_MS);
  }

  @Test
  void aLateArrivalRaisesTheDelayForTheWindowThenItComesBack() {
    AudioPacer pacer = new AudioPacer();
    // one AAC unit 60 ms late (a stall), the rest on time
    List<double[]> sent = run(pacer, 400, u -> u == 100 ? 60 : 2);
    double before = sent.get(90)[2] - sent.get(90)[0];
    int stalled = -1;
    for (int k = 0; k < sent.size(); k++) {
      double[] p = sent.get(k);
      assertThat(p[2]).as("packet %d leaves after it is ready", k).isGreaterThanOrEqualTo(p[1]);
      if (k > 0) {
        assertThat(p[2]).as("in order").isGreaterThanOrEqualTo(sent.get(k - 1)[2]);
      }
      if (stalled < 0 && p[1] - p[0] > 60) {
        stalled = k;
      }
    }
    assertThat(stalled).isPositive();
    double during = sent.get(stalled + 50)[2] - sent.get(stalled + 50)[0]; // 1 s later: still inside the window
    double after = sent.getLast()[2] - sent.getLast()[0]; // 8 s later
    assertThat(during).as("delay after the stall").isGreaterThan(before + 40);
    assertThat(after).as("delay once the stall left the window").isCloseTo(before, within(0.01));
    assertThat(pacer.delayMillis()).isCloseTo(before, within(0.01));
  }
}
