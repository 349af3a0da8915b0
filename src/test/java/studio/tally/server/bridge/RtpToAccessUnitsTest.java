package studio.tally.server.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 6184 payloads (single NAL, STAP-A, FU-A) in, access units out: grouped by RTP timestamp, held
 * in order by the jitter buffer, dropped after a loss until the next IDR.
 */
class RtpToAccessUnitsTest {
  private static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x1f, 0x01};
  private static final byte[] PPS = {0x68, (byte) 0xce, 0x3c, (byte) 0x80};
  private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00};
  private static final byte[] P = {0x41, (byte) 0x9a, 0x02, 0x03};

  private final RtpToAccessUnits units = new RtpToAccessUnits(UnpooledByteBufAllocator.DEFAULT);
  private final List<RtpToAccessUnits.AccessUnit> out = new ArrayList<>();
  private int seq = 100;

  @AfterEach
  void close() {
    units.close();
  }

  private RtpToAccessUnits.Packet packet(int sequence, long ts, boolean marker, byte[] payload) {
    return new RtpToAccessUnits.Packet(1, sequence, ts, marker, payload, 0);
  }

  private static byte[] stapA(byte[]... nals) {
    var b = new java.io.ByteArrayOutputStream();
    b.write(0x78); // F=0 NRI=3 type 24
    for (byte[] n : nals) {
      b.write(n.length >> 8);
      b.write(n.length);
      b.writeBytes(n);
    }
    return b.toByteArray();
  }

  /** A keyframe as STAP-A (SPS, PPS) + the IDR in two FU-A fragments; returns the packets. */
  private List<RtpToAccessUnits.Packet> keyframe(long ts) {
    byte[] first = {0x7c, (byte) 0x85, IDR[1], IDR[2]}; // FU indicator (NRI 3, 28), FU header S=1 type 5
    byte[] last = {0x7c, 0x45, IDR[3]}; // E=1
    return List.of(packet(seq++, ts, false, stapA(SPS, PPS)), packet(seq++, ts, false, first),
        packet(seq++, ts, true, last));
  }

  private RtpToAccessUnits.Packet delta(long ts) {
    return packet(seq++, ts, true, P);
  }

  private void push(RtpToAccessUnits.Packet p) {
    units.push(p, 0, out);
  }

  @Test
  void aKeyframeBecomesOneAccessUnitWithItsParameterSets() {
    keyframe(3000).forEach(this::push);
    assertThat(out).hasSize(1);
    RtpToAccessUnits.AccessUnit au = out.getFirst();
    assertThat(au.keyframe()).isTrue();
    assertThat(au.rtpTimestamp()).isEqualTo(3000);
    assertThat(au.nals()).containsExactly(SPS, PPS, IDR);
    assertThat(units.waitingForKeyframe()).isFalse();
  }

  @Test
  void deltaFramesBeforeTheFirstKeyframeAreDropped() {
    push(delta(0));
    assertThat(out).isEmpty();
    assertThat(units.waitingForKeyframe()).isTrue();
    keyframe(3000).forEach(this::push);
    push(delta(6000));
    assertThat(out).extracting(RtpToAccessUnits.AccessUnit::rtpTimestamp).containsExactly(3000L, 6000L);
    assertThat(units.dropped()).isEqualTo(1);
  }

  @Test
  void reorderedPacketsMakeTheSameUnits() {
    List<RtpToAccessUnits.Packet> k = keyframe(3000);
    push(k.get(0));
    push(k.get(2));
    push(k.get(1));
    assertThat(out).hasSize(1);
    assertThat(out.getFirst().nals()).containsExactly(SPS, PPS, IDR);
  }

  @Test
  void aLostPacketDropsItsUnitAndWhatFollowsUntilTheNextIdr() {
    keyframe(0).forEach(this::push);
    List<RtpToAccessUnits.Packet> k = keyframe(3000);
    push(k.get(0));
    push(k.get(2)); // the first fragment of the IDR never comes
    push(delta(6000));
    units.release(RtpToAccessUnits.VIDEO_WAIT_MICROS + 1, out); // the hole is given up
    assertThat(out).extracting(RtpToAccessUnits.AccessUnit::rtpTimestamp).containsExactly(0L);
    assertThat(units.waitingForKeyframe()).isTrue();
    push(delta(9000));
    keyframe(12_000).forEach(p -> units.push(p, RtpToAccessUnits.VIDEO_WAIT_MICROS + 2, out));
    assertThat(out).extracting(RtpToAccessUnits.AccessUnit::rtpTimestamp).containsExactly(0L, 12_000L);
    assertThat(units.dropped()).isEqualTo(3);
  }

  @Test
  void aSequenceJumpIsReportedAndWaitsForAKeyframe() {
    keyframe(0).forEach(this::push);
    seq += 20_000;
    assertThat(units.push(delta(3000), 0, out)).isTrue();
    assertThat(units.restarts()).isEqualTo(1);
    assertThat(out).hasSize(1); // the delta after the jump is not sent: its references may be gone
    keyframe(6000).forEach(this::push);
    assertThat(out).hasSize(2);
  }

  @Test
  void aMalformedPayloadIsCountedNotThrown() {
    keyframe(0).forEach(this::push);
    push(packet(seq++, 3000, true, new byte[] {0x78, 0x00, 0x09})); // STAP-A whose NAL overruns
    assertThat(units.malformed()).isEqualTo(1);
    assertThat(units.waitingForKeyframe()).isTrue();
  }
}
