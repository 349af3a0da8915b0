package studio.tally.proto.signaling;

import java.util.List;
import java.util.Objects;

/** What the server sends: a reply to a request (same {@code tid}) or a notification (no {@code tid}). */
public sealed interface ServerMessage {

  /** Notify events as SRS names them. */
  String JOIN = "join";
  String PUBLISH = "publish";
  String CONTROL = "control";
  String LEAVE = "leave";

  /** {@code {"tid":"...","msg":null}}: SRS's reply to publish and control (ours also to leave). */
  record Reply(String tid) implements ServerMessage {}

  /**
   * {@code {"tid","msg":{"action":"join","room","self","participants"}}}; the list includes the joiner.
   *
   * @param resume our extension: the token that lets this display rejoin from a new socket; null from SRS
   */
  record JoinReply(String tid, String room, Participant self, List<Participant> participants, String resume)
      implements ServerMessage {
    public JoinReply {
      participants = List.copyOf(participants);
    }

    @Override
    public String toString() { // the resume token is a secret
      return "JoinReply[tid=" + tid + ", room=" + room + ", self=" + self + ", participants=" + participants + "]";
    }
  }

  /**
   * Our extension: {@code {"tid"?,"msg":{"action":"error","code","message"}}}. {@code tid} is null when
   * the request had none or could not be read.
   */
  record ErrorReply(String tid, SignalingError error, String message) implements ServerMessage {
    public ErrorReply {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * {@code {"msg":{"action":"notify","event","param"?,"data"?,"room","self","peer","participants"}}}, sent to
   * every participant but the sender. {@code self} is the recipient, {@code peer} the sender; {@code param}
   * carries a control's {@code call}. {@code param}/{@code data} null = omitted.
   */
  record Notify(String event, String param, String data, String room, Participant self, Participant peer,
      List<Participant> participants) implements ServerMessage {
    public Notify {
      Objects.requireNonNull(event, "event");
      participants = List.copyOf(participants);
    }
  }
}
