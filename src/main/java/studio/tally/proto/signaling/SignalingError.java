package studio.tally.proto.signaling;

/**
 * Why the server refused a request: the {@code code} of an {@code error} reply (our extension; SRS
 * closes the socket without a word). {@link #closes} says whether the server also closes the socket.
 */
public enum SignalingError {
  BAD_JSON("bad-json", false),
  BAD_REQUEST("bad-request", false),
  UNKNOWN_ACTION("unknown-action", false),
  BAD_NAME("bad-name", false),
  NOT_JOINED("not-joined", false),
  UNKNOWN_ROOM("unknown-room", false),
  UNKNOWN_PEER("unknown-peer", false),
  DUPLICATE_DISPLAY("duplicate-display", false),
  ROOM_FULL("room-full", false),
  ALREADY_JOINED("already-joined", false),
  UNAUTHORIZED("unauthorized", false),
  RATE_LIMITED("rate-limited", false),
  TOO_MANY_ROOMS("too-many-rooms", false),
  // A frame over the limit was not read whole: what follows cannot be trusted to be a frame boundary.
  MESSAGE_TOO_LARGE("message-too-large", true),
  REPLACED("replaced", true),
  SERVER_CLOSING("server-closing", true);

  private final String code;
  private final boolean closes;

  SignalingError(String code, boolean closes) {
    this.code = code;
    this.closes = closes;
  }

  public String code() {
    return code;
  }

  public boolean closes() {
    return closes;
  }

  /** The error of a wire code; unknown codes (a newer server) map to {@link #BAD_REQUEST}. */
  public static SignalingError ofCode(String code) {
    for (SignalingError e : values()) {
      if (e.code.equals(code)) {
        return e;
      }
    }
    return BAD_REQUEST;
  }
}
