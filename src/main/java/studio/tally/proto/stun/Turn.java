package studio.tally.proto.stun;

/**
 * TURN's STUN methods and error codes (RFC 8656 §17, §19). The attributes have their own records:
 * {@link XorRelayedAddress}, {@link XorPeerAddress}, {@link Lifetime}, {@link RequestedTransport},
 * {@link Data}, {@link ChannelNumber}; ChannelData framing is {@link ChannelData}. Long-term
 * credentials (RFC 8489 §9.2) use {@link Username}, {@link Realm}, {@link Nonce} and
 * MESSAGE-INTEGRITY keyed with {@link StunIntegrity#longTermKey}.
 */
public final class Turn {
  public static final int METHOD_ALLOCATE = 0x003;
  public static final int METHOD_REFRESH = 0x004;
  public static final int METHOD_SEND = 0x006;
  public static final int METHOD_DATA = 0x007;
  public static final int METHOD_CREATE_PERMISSION = 0x008;
  public static final int METHOD_CHANNEL_BIND = 0x009;

  public static final StunMessageType ALLOCATE_REQUEST = new StunMessageType(METHOD_ALLOCATE, StunClass.REQUEST);
  public static final StunMessageType REFRESH_REQUEST = new StunMessageType(METHOD_REFRESH, StunClass.REQUEST);
  public static final StunMessageType CREATE_PERMISSION_REQUEST =
      new StunMessageType(METHOD_CREATE_PERMISSION, StunClass.REQUEST);
  public static final StunMessageType CHANNEL_BIND_REQUEST = new StunMessageType(METHOD_CHANNEL_BIND, StunClass.REQUEST);
  public static final StunMessageType SEND_INDICATION = new StunMessageType(METHOD_SEND, StunClass.INDICATION);
  public static final StunMessageType DATA_INDICATION = new StunMessageType(METHOD_DATA, StunClass.INDICATION);

  /** The client's request is not allowed (e.g. a peer address the server's policy refuses). */
  public static final int FORBIDDEN = 403;
  /** A request that needs an allocation on a 5-tuple without one, or an Allocate on one that has it. */
  public static final int ALLOCATION_MISMATCH = 437;
  /** The NONCE is no longer valid: retry with the new NONCE of the error response (RFC 8489 §9.2.4). */
  public static final int STALE_NONCE = 438;
  /** The credentials differ from those of the allocation. */
  public static final int WRONG_CREDENTIALS = 441;
  public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
  public static final int ALLOCATION_QUOTA_REACHED = 486;
  public static final int INSUFFICIENT_CAPACITY = 508;

  private Turn() {}

  /** A name for messages and logs, e.g. {@code "Allocate"}. */
  public static String methodName(int method) {
    return switch (method) {
      case StunMessageType.METHOD_BINDING -> "Binding";
      case METHOD_ALLOCATE -> "Allocate";
      case METHOD_REFRESH -> "Refresh";
      case METHOD_SEND -> "Send";
      case METHOD_DATA -> "Data";
      case METHOD_CREATE_PERMISSION -> "CreatePermission";
      case METHOD_CHANNEL_BIND -> "ChannelBind";
      default -> String.format("method 0x%03x", method);
    };
  }
}
