package studio.tally.proto.srtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.TrackingAllocator;

/**
 * Fuzz target: arbitrary bytes as SRTP and SRTCP packets into a receive context that already has
 * a live stream. Only {@link ProtocolException}s may escape, and afterwards the next genuine packet
 * of that stream (RTP and RTCP) must still unprotect: garbage must not move ROC, highest sequence
 * number or replay windows.
 *
 * <p>Input layout: byte 0 picks the profile (bits 0-1) and whether packets go through heap
 * arrays or direct ByteBufs (bit 2); then records of [kind: bit 0 RTP/RTCP][length][bytes].
 * Seeds in {@code SrtpUnprotectFuzzTestInputs/unprotectArbitraryPackets/} (genuine packets of the
 * libsrtp and RFC 7714 vectors, prefixed accordingly).
 */
class SrtpUnprotectFuzzTest {
  private static final int SSRC = 0xcafebabe;

  @FuzzTest(maxDuration = "10s")
  void unprotectArbitraryPackets(byte[] input) {
    if (input.length < 1) {
      return;
    }
    SrtpProfile profile = SrtpProfile.values()[(input[0] & 3) % SrtpProfile.values().length];
    boolean direct = (input[0] & 4) != 0;
    byte[] key = new byte[profile.keyLength()];
    byte[] salt = new byte[profile.saltLength()];
    Arrays.fill(key, (byte) 0x5a);
    SrtpContext send = new SrtpContext(profile, key, salt);
    SrtpContext recv = new SrtpContext(profile, key, salt);
    recv.unprotectRtp(genuineRtp(send, 1000), 0, genuineRtpLength(profile));
    TrackingAllocator alloc = new TrackingAllocator();

    for (int i = 1; i + 2 <= input.length; ) {
      boolean rtcp = (input[i] & 1) != 0;
      int n = Math.min(input[i + 1] & 0xff, input.length - i - 2);
      byte[] packet = Arrays.copyOfRange(input, i + 2, i + 2 + n);
      i += 2 + n;
      try {
        if (direct) {
          ByteBuf buf = alloc.directBuffer(n + 32).writeBytes(packet);
          try {
            int plain = rtcp ? recv.unprotectRtcp(buf) : recv.unprotectRtp(buf);
            check(plain == buf.readableBytes() && plain <= n, "length " + plain);
          } finally {
            buf.release();
          }
        } else {
          int plain = rtcp ? recv.unprotectRtcp(packet, 0, n) : recv.unprotectRtp(packet, 0, n);
          check(plain >= 0 && plain <= n, "length " + plain);
        }
      } catch (ProtocolException expected) {
        // refused, as it should be
      }
    }
    check(alloc.live() == 0, "leaked buffers");

    // the stream goes on: the next genuine packets still verify
    byte[] next = genuineRtp(send, 1001);
    boolean ok;
    try {
      recv.unprotectRtp(next, 0, genuineRtpLength(profile));
      ok = true;
    } catch (SrtpException e) {
      // only acceptable if the fuzzer itself forged a genuine 1001 (it cannot without the key)
      ok = false;
    }
    check(ok, "genuine packet after fuzzing was refused");
    byte[] rtcp = new byte[8 + 8 + profile.rtcpOverhead()];
    rtcp[0] = (byte) 0x81;
    rtcp[1] = (byte) 201;
    rtcp[3] = 3;
    SrtpTransform.putInt(rtcp, 4, SSRC);
    send.setNextSrtcpIndex(SSRC, 0x40000000); // beyond anything a forged packet could have recorded
    int n = send.protectRtcp(rtcp, 0, 16);
    check(recv.unprotectRtcp(rtcp, 0, n) == 16, "genuine SRTCP after fuzzing was refused");
  }

  private static byte[] genuineRtp(SrtpContext send, int seq) {
    byte[] a = new byte[12 + 20 + 16];
    a[0] = (byte) 0x80;
    a[1] = 111;
    a[2] = (byte) (seq >>> 8);
    a[3] = (byte) seq;
    SrtpTransform.putInt(a, 8, SSRC);
    send.protectRtp(a, 0, 32);
    return a;
  }

  private static int genuineRtpLength(SrtpProfile p) {
    return 32 + p.rtpTagLength();
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new AssertionError(what);
    }
  }
}
