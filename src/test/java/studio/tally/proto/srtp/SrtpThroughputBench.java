package studio.tally.proto.srtp;

/** Not a test: protect/unprotect throughput of 1200-byte RTP packets per profile, one thread. Run by bench/srtp-throughput.sh. */

public final class SrtpThroughputBench {
  public static void main(String[] a) {
    for (SrtpProfile p : SrtpProfile.values()) {
      byte[] key = new byte[p.keyLength()], salt = new byte[p.saltLength()];
      SrtpContext send = new SrtpContext(p, key, salt), recv = new SrtpContext(p, key, salt);
      byte[] pkt = new byte[1200 + 16];
      int N = 200_000;
      double[] pr = new double[8], un = new double[8];
      int seq = 0;
      for (int r = 0; r < 8; r++) {
        byte[][] prot = new byte[N][];
        long t0 = System.nanoTime();
        for (int i = 0; i < N; i++) {
          pkt[0] = (byte) 0x80; pkt[1] = 96; pkt[2] = (byte) (seq >>> 8); pkt[3] = (byte) seq; seq = (seq + 1) & 0xffff;
          pkt[8] = 1;
          send.protectRtp(pkt, 0, 1200);
          if (i < 2000) prot[i] = pkt.clone();
        }
        long t1 = System.nanoTime();
        pr[r] = N / ((t1 - t0) / 1e9);
        // unprotect: fresh contexts each round, a stream of genuine packets
        SrtpContext s2 = new SrtpContext(p, key, salt), r2 = new SrtpContext(p, key, salt);
        byte[][] in = new byte[N][];
        for (int i = 0; i < N; i++) {
          byte[] q = new byte[1200 + 16]; q[0] = (byte) 0x80; q[1] = 96; q[2] = (byte) (i >>> 8); q[3] = (byte) i; q[8] = 2;
          s2.protectRtp(q, 0, 1200); in[i] = q;
        }
        long t2 = System.nanoTime();
        int len = 1200 + p.rtpTagLength();
        for (int i = 0; i < N; i++) r2.unprotectRtp(in[i], 0, len);
        long t3 = System.nanoTime();
        un[r] = N / ((t3 - t2) / 1e9);
      }
      pr = java.util.Arrays.copyOfRange(pr, 1, 8); un = java.util.Arrays.copyOfRange(un, 1, 8); java.util.Arrays.sort(pr); java.util.Arrays.sort(un);
      System.out.printf("%-26s protect median %,.0f pkt/s (min %,.0f max %,.0f) | unprotect median %,.0f pkt/s (min %,.0f max %,.0f)%n",
          p, pr[3], pr[0], pr[6], un[3], un[0], un[6]);
    }
  }
}
