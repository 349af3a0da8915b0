package studio.tally.server.net;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Pure classification of a connection's first bytes. Decides as soon as the prefix allows and never
 * needs more than {@link #MAX_PREFIX} bytes.
 *
 * <pre>
 *  16 03 ..                 TLS record, handshake            (not accepted inside TLS)
 *  03                       RTMP C0, version 3
 *  06                       RTMPE C0 -- refused: encrypted RTMP is not supported
 *  LL LL 00 01 LL LL 21 12 A4 42   RFC 4571 length + STUN Binding Request + magic cookie
 *  "GET " "POST " "PUT " "HEAD " "DELETE " "OPTIONS " "PATCH "   HTTP/1.1
 * </pre>
 */
public final class ProtocolSniffer {
  public static final int MAX_PREFIX = 10;
  private static final byte[][] METHODS = {
      ascii("GET "), ascii("POST "), ascii("PUT "), ascii("HEAD "), ascii("DELETE "), ascii("OPTIONS "), ascii("PATCH ")};

  private final Set<Protocol> accepted;

  /** @param accepted the protocols this stage may answer (inside TLS, TLS itself is not accepted) */
  public ProtocolSniffer(Set<Protocol> accepted) {
    this.accepted = Set.copyOf(accepted);
  }

  public SniffResult classify(ByteBuf in) {
    int n = Math.min(in.readableBytes(), MAX_PREFIX);
    if (n == 0) {
      return SniffResult.NEED_MORE;
    }
    int at = in.readerIndex();
    int b0 = in.getUnsignedByte(at);
    boolean possible = false;

    if (b0 == 0x16 && accepted.contains(Protocol.TLS)) {
      if (n < 2) {
        return SniffResult.NEED_MORE;
      }
      if (in.getUnsignedByte(at + 1) == 0x03) {
        return new SniffResult.Match(Protocol.TLS);
      }
    }
    if (b0 == 0x03 && accepted.contains(Protocol.RTMP)) {
      return new SniffResult.Match(Protocol.RTMP);
    }
    if (b0 == 0x06 && accepted.contains(Protocol.RTMP)) {
      return new SniffResult.Reject("encrypted RTMP (RTMPE) is not supported");
    }
    if (accepted.contains(Protocol.STUN_TCP) && b0 < 0x08) { // RFC 4571 length < 2048: first byte small
      if (n < 10) {
        possible |= stunPrefixPossible(in, at, n);
      } else if (in.getUnsignedShort(at + 2) == 0x0001 && in.getInt(at + 6) == 0x2112A442) {
        return new SniffResult.Match(Protocol.STUN_TCP);
      }
    }
    if (accepted.contains(Protocol.HTTP)) {
      for (byte[] m : METHODS) {
        int k = Math.min(n, m.length);
        if (prefixEquals(in, at, m, k)) {
          if (k == m.length) {
            return new SniffResult.Match(Protocol.HTTP);
          }
          possible = true;
        }
      }
    }
    return possible ? SniffResult.NEED_MORE : new SniffResult.Reject("unknown protocol (first bytes " + hex(in, at, n) + ")");
  }

  private static boolean stunPrefixPossible(ByteBuf in, int at, int n) {
    byte[] want = {0, 0, 0x00, 0x01, 0, 0, 0x21, 0x12, (byte) 0xA4, 0x42};
    for (int i = 2; i < n; i++) {
      if ((i == 2 || i == 3 || i >= 6) && in.getByte(at + i) != want[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean prefixEquals(ByteBuf in, int at, byte[] m, int k) {
    for (int i = 0; i < k; i++) {
      if (in.getByte(at + i) != m[i]) {
        return false;
      }
    }
    return true;
  }

  private static String hex(ByteBuf in, int at, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02x", in.getUnsignedByte(at + i)));
    }
    return sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
