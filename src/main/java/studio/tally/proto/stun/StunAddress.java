package studio.tally.proto.stun;

import java.util.Arrays;

/**
 * A transport address as STUN carries it: 4 (IPv4) or 16 (IPv6) address bytes in network order and a
 * port. Kept as bytes because {@code proto} must not touch {@code java.net}.
 */
public record StunAddress(byte[] address, int port) {
  public static final int FAMILY_IPV4 = 0x01;
  public static final int FAMILY_IPV6 = 0x02;

  public StunAddress {
    if (address == null || (address.length != 4 && address.length != 16)) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes");
    }
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port outside 0..65535: " + port);
    }
    address = address.clone();
  }

  /** {@link #FAMILY_IPV4} or {@link #FAMILY_IPV6}. */
  public int family() {
    return address.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  /** IPv4 dotted quad or full (uncompressed) IPv6 hex groups. */
  public String host() {
    StringBuilder s = new StringBuilder();
    if (address.length == 4) {
      for (int i = 0; i < 4; i++) {
        s.append(i == 0 ? "" : ".").append(address[i] & 0xFF);
      }
    } else {
      for (int i = 0; i < 16; i += 2) {
        s.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xFF) << 8) | (address[i + 1] & 0xFF)));
      }
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StunAddress a && a.port == port && Arrays.equals(a.address, address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + port;
  }

  @Override
  public String toString() {
    return address.length == 4 ? host() + ":" + port : "[" + host() + "]:" + port;
  }
}
