package studio.tally.proto.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpContextTest {
  private static final int SSRC = 0x11223344;

  static byte[] key(SrtpProfile p, int seed) {
    byte[] k = new byte[p.keyLength()];
    new Random(seed).nextBytes(k);
    return k;
  }

  static byte[] salt(SrtpProfile p, int seed) {
    byte[] s = new byte[p.saltLength()];
    new Random(seed + 1000).nextBytes(s);
    return s;
  }

  static SrtpContext ctx(SrtpProfile p) {
    return new SrtpContext(p, key(p, 1), salt(p, 1));
  }

  /** An RTP packet with room for the tag. */
  static byte[] rtp(int seq, int ssrc, int payload) {
    byte[] a = new byte[12 + payload + 16];
    a[0] = (byte) 0x80;
    a[1] = 96;
    a[2] = (byte) (seq >>> 8);
    a[3] = (byte) seq;
    a[7] = (byte) seq;
    SrtpTransform.putInt(a, 8, ssrc);
    for (int i = 0; i < payload; i++) {
      a[12 + i] = (byte) (i * 7 + seq);
    }
    return a;
  }

  static int protect(SrtpContext c, byte[] a, int payload) {
    return c.protectRtp(a, 0, 12 + payload);
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void roundTripManyPacketsAcrossRollover(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    for (int i = 0; i < 70_000; i += 7) { // crosses 65535 → 0 with gaps
      int seq = (65000 + i) & 0xffff;
      byte[] a = rtp(seq, SSRC, 100);
      byte[] plain = Arrays.copyOf(a, 112);
      int n = protect(send, a, 100);
      assertEquals(112 + p.rtpTagLength(), n);
      assertEquals(112, recv.unprotectRtp(a, 0, n));
      assertArrayEquals(plain, Arrays.copyOf(a, 112));
    }
    assertEquals(send.rolloverCounter(SSRC), recv.rolloverCounter(SSRC));
    assertEquals(2, recv.rolloverCounter(SSRC)); // 65000 + 69993 = 2 · 65536 + 3921
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void reorderedPacketJustBeforeRolloverUsesThePreviousRoc(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    byte[] a65533 = rtp(65533, SSRC, 50);
    byte[] a65534 = rtp(65534, SSRC, 50);
    byte[] a65535 = rtp(65535, SSRC, 50);
    byte[] a0 = rtp(0, SSRC, 50);
    byte[] a1 = rtp(1, SSRC, 50);
    int n = 62 + p.rtpTagLength();
    for (byte[] a : new byte[][] {a65533, a65534, a65535, a0, a1}) {
      protect(send, a, 50);
    }
    assertEquals(1, send.rolloverCounter(SSRC));
    recv.unprotectRtp(a65533, 0, n);
    recv.unprotectRtp(a0, 0, n); // ROC 0 → 1
    assertEquals(1, recv.rolloverCounter(SSRC));
    assertEquals(62, recv.unprotectRtp(a65535, 0, n)); // late, from ROC 0
    assertEquals(62, recv.unprotectRtp(a1, 0, n));
    assertEquals(62, recv.unprotectRtp(a65534, 0, n)); // later still
    assertArrayEquals(Arrays.copyOf(rtp(65534, SSRC, 50), 62), Arrays.copyOf(a65534, 62));
    assertEquals(1, recv.rolloverCounter(SSRC));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void replayIsRejectedAndDoesNotDisturbTheStream(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    byte[] a = rtp(10, SSRC, 20);
    int n = protect(send, a, 20);
    byte[] copy = a.clone();
    recv.unprotectRtp(a, 0, n);
    assertEquals(SrtpException.Reason.REPLAY,
        assertThrows(SrtpException.class, () -> recv.unprotectRtp(copy, 0, n)).reason());
    byte[] b = rtp(11, SSRC, 20);
    assertEquals(32, recv.unprotectRtp(b, 0, protect(send, b, 20)));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void packetOlderThanTheWindowIsRejected(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    byte[] old = rtp(100, SSRC, 20);
    int n = protect(send, old, 20);
    byte[] inWindow = rtp(137, SSRC, 20);
    int m = protect(send, inWindow, 20);
    byte[] newest = rtp(100 + ReplayWindow.SIZE, SSRC, 20);
    recv.unprotectRtp(newest, 0, protect(send, newest, 20));
    assertEquals(SrtpException.Reason.TOO_OLD,
        assertThrows(SrtpException.class, () -> recv.unprotectRtp(old, 0, n)).reason());
    assertEquals(32, recv.unprotectRtp(inWindow, 0, m)); // 27 behind: late but fine
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void tamperedByteFailsAuthenticationAndLeavesStateAlone(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    for (int where : new int[] {1, 3, 8, 12, 40, 12 + 100 + p.rtpTagLength() - 1}) {
      byte[] a = rtp(500, SSRC, 100);
      int n = protect(ctx(p), a, 100); // a fresh sender: index 500 every time
      a[where] ^= 0x20;
      assertEquals(SrtpException.Reason.AUTH,
          assertThrows(SrtpException.class, () -> recv.unprotectRtp(a, 0, n)).reason(), "byte " + where);
    }
    assertEquals(0, recv.streamCount());
    byte[] a = rtp(500, SSRC, 100);
    assertEquals(112, recv.unprotectRtp(a, 0, protect(send, a, 100)));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void wrongKeyFails(SrtpProfile p) {
    byte[] a = rtp(1, SSRC, 40);
    int n = protect(ctx(p), a, 40);
    SrtpContext other = new SrtpContext(p, key(p, 2), salt(p, 1));
    assertEquals(SrtpException.Reason.AUTH,
        assertThrows(SrtpException.class, () -> other.unprotectRtp(a, 0, n)).reason());
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void srtcpRoundTripReplayAndTamper(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    byte[] rr = new byte[64];
    rr[0] = (byte) 0x81;
    rr[1] = (byte) 201;
    rr[3] = 7;
    SrtpTransform.putInt(rr, 4, SSRC);
    for (int i = 8; i < 32; i++) {
      rr[i] = (byte) i;
    }
    byte[] plain = Arrays.copyOf(rr, 32);
    byte[] first = rr.clone();
    int n = send.protectRtcp(first, 0, 32);
    assertEquals(32 + p.rtcpOverhead(), n);
    byte[] second = rr.clone();
    send.protectRtcp(second, 0, 32);
    byte[] replay = first.clone();
    byte[] tampered = second.clone();
    tampered[9] ^= 1;

    assertEquals(32, recv.unprotectRtcp(first, 0, n));
    assertArrayEquals(plain, Arrays.copyOf(first, 32));
    assertEquals(SrtpException.Reason.REPLAY,
        assertThrows(SrtpException.class, () -> recv.unprotectRtcp(replay, 0, n)).reason());
    assertEquals(SrtpException.Reason.AUTH,
        assertThrows(SrtpException.class, () -> recv.unprotectRtcp(tampered, 0, n)).reason());
    assertEquals(32, recv.unprotectRtcp(second, 0, n));
  }

  @ParameterizedTest
  @EnumSource(SrtpProfile.class)
  void byteBufHeapAndDirect(SrtpProfile p) {
    SrtpContext send = ctx(p);
    SrtpContext recv = ctx(p);
    for (boolean direct : new boolean[] {false, true}) {
      int seq = direct ? 2 : 1;
      byte[] plain = Arrays.copyOf(rtp(seq, SSRC, 1188), 1200);
      ByteBuf buf = direct ? Unpooled.directBuffer(1300) : Unpooled.buffer(1300);
      buf.writeZero(5).readerIndex(5); // a non-zero reader index
      buf.writeBytes(plain);
      assertEquals(1200 + p.rtpTagLength(), send.protectRtp(buf));
      assertEquals(1200 + p.rtpTagLength(), buf.readableBytes());
      assertEquals(1200, recv.unprotectRtp(buf));
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      assertArrayEquals(plain, out);
      buf.release();
    }
  }

  @Test
  void truncatedAndMalformedPacketsAreMalformed() {
    SrtpContext recv = ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    assertEquals(SrtpException.Reason.MALFORMED,
        assertThrows(SrtpException.class, () -> recv.unprotectRtp(new byte[21], 0, 21)).reason());
    byte[] v1 = rtp(1, SSRC, 20);
    v1[0] = 0x40;
    assertEquals(SrtpException.Reason.MALFORMED,
        assertThrows(SrtpException.class, () -> recv.unprotectRtp(v1, 0, 42)).reason());
    byte[] csrcOverrun = rtp(1, SSRC, 20);
    csrcOverrun[0] = (byte) 0x8f; // 15 CSRCs = 60 bytes
    assertEquals(SrtpException.Reason.MALFORMED,
        assertThrows(SrtpException.class, () -> recv.unprotectRtp(csrcOverrun, 0, 42)).reason());
    assertEquals(SrtpException.Reason.MALFORMED,
        assertThrows(SrtpException.class, () -> recv.unprotectRtcp(new byte[21], 0, 21)).reason());
  }

  @Test
  void resendOfTheSameIndexWithGcmProducesTheSameBytes() {
    SrtpContext send = ctx(SrtpProfile.AEAD_AES_128_GCM);
    byte[] a = rtp(9, SSRC, 30);
    byte[] b = a.clone();
    int n = protect(send, a, 30);
    assertEquals(n, protect(send, b, 30)); // the JDK's IV-reuse guard must not fire
    assertArrayEquals(a, b);
  }

  @Test
  void dtlsExporterSplit() {
    SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
    byte[] m = new byte[p.keyingMaterialLength()];
    for (int i = 0; i < m.length; i++) {
      m[i] = (byte) i;
    }
    SrtpKeys server = SrtpKeys.fromDtlsExporter(m, p, true);
    SrtpKeys client = SrtpKeys.fromDtlsExporter(m, p, false);
    assertArrayEquals(Arrays.copyOfRange(m, 0, 16), client.localMasterKey());
    assertArrayEquals(Arrays.copyOfRange(m, 16, 32), server.localMasterKey());
    assertArrayEquals(Arrays.copyOfRange(m, 32, 46), client.localMasterSalt());
    assertArrayEquals(Arrays.copyOfRange(m, 46, 60), server.localMasterSalt());
    assertArrayEquals(client.localMasterKey(), server.remoteMasterKey());
    assertArrayEquals(server.localMasterSalt(), client.remoteMasterSalt());
    assertEquals(56, SrtpProfile.AEAD_AES_128_GCM.keyingMaterialLength());
    assertEquals(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.ofId(7));

    byte[] a = rtp(3, SSRC, 10);
    int n = client.sendContext().protectRtp(a, 0, 22);
    assertEquals(22, server.receiveContext().unprotectRtp(a, 0, n));
    assertThrows(IllegalArgumentException.class, () -> SrtpKeys.fromDtlsExporter(new byte[59], p, true));
  }
}
