package studio.tally.proto.signaling;

/**
 * A client's request {@code {"tid":"...","msg":{"action":...,"room":...,"display":...}}}. SRS's
 * actions are {@code join}, {@code publish} and {@code control} (with {@code call} and {@code data}
 * as strings); ours add {@code leave}, the optional {@code to} (one display) on {@code control}, an
 * auth {@code token} and a {@code resume} token on {@code join}. Absent fields are null.
 *
 * @param tid the transaction id the reply carries back (SRS: 7 hex digits); null if the client gave none
 * @param actionName the action as sent; {@link #action()} classifies it
 */
public record SignalingRequest(String tid, String actionName, String room, String display, String call, String data,
    String to, String token, String resume) {

  /** The actions this protocol knows. */
  public enum Action {
    JOIN("join"), PUBLISH("publish"), CONTROL("control"), LEAVE("leave"), UNKNOWN("");

    private final String wire;

    Action(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Action of(String name) {
      for (Action a : values()) {
        if (a != UNKNOWN && a.wire.equals(name)) {
          return a;
        }
      }
      return UNKNOWN;
    }
  }

  public Action action() {
    return Action.of(actionName);
  }

  public static SignalingRequest join(String tid, String room, String display) {
    return new SignalingRequest(tid, "join", room, display, null, null, null, null, null);
  }

  public static SignalingRequest join(String tid, String room, String display, String token, String resume) {
    return new SignalingRequest(tid, "join", room, display, null, null, null, token, resume);
  }

  public static SignalingRequest publish(String tid, String room, String display) {
    return new SignalingRequest(tid, "publish", room, display, null, null, null, null, null);
  }

  public static SignalingRequest leave(String tid, String room, String display) {
    return new SignalingRequest(tid, "leave", room, display, null, null, null, null, null);
  }

  /** {@code to} null = every other participant (SRS's behaviour). */
  public static SignalingRequest control(String tid, String room, String display, String call, String data, String to) {
    return new SignalingRequest(tid, "control", room, display, call, data, to, null, null);
  }

  public SignalingRequest withTid(String newTid) {
    return new SignalingRequest(newTid, actionName, room, display, call, data, to, token, resume);
  }

  /** Safe for logs: no token, no resume token, no data. */
  @Override
  public String toString() {
    return "SignalingRequest[tid=" + tid + ", action=" + actionName + ", room=" + room + ", display=" + display
        + (call != null ? ", call=" + call : "") + (to != null ? ", to=" + to : "")
        + (data != null ? ", data=" + data.length() + " chars" : "") + "]";
  }
}
