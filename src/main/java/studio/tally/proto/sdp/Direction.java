package studio.tally.proto.sdp;

import java.util.Locale;

/** {@code a=sendrecv|sendonly|recvonly|inactive} (RFC 8866 §6.7); sendrecv when absent. */
public enum Direction {
  SENDRECV, SENDONLY, RECVONLY, INACTIVE;

  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The direction an answerer uses toward an offer with this direction (RFC 3264 §6.1). */
  public Direction reverse() {
    return switch (this) {
      case SENDONLY -> RECVONLY;
      case RECVONLY -> SENDONLY;
      default -> this;
    };
  }

  static Direction ofAttribute(String name) {
    for (Direction d : values()) {
      if (d.token().equals(name)) {
        return d;
      }
    }
    return null;
  }

  public Attribute toAttribute() {
    return Attribute.flag(token());
  }
}
