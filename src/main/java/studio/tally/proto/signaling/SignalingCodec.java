package studio.tally.proto.signaling;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Text frames to records and back, in SRS's shapes. Decoding is strict about types (a number where a
 * string belongs is an error naming the field) and lenient about extra fields (a newer peer may add
 * some). {@code data} that arrives as a JSON object rather than a string is kept as its JSON text.
 */
public final class SignalingCodec {
  // Frames are small: deep nesting is an attack, not a message.
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1 << 20).build())
      .build());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SignalingCodec() {}

  public static SignalingRequest decodeRequest(String text) {
    JsonNode root = parse(text);
    JsonNode msg = root.get("msg");
    if (msg == null || !msg.isObject()) {
      throw new SignalingException("request has no 'msg' object");
    }
    String tid = string(root, "tid");
    String action = string(msg, "action");
    if (action == null) {
      throw new SignalingException("request has no 'msg.action'");
    }
    return new SignalingRequest(tid, action, string(msg, "room"), string(msg, "display"), string(msg, "call"),
        data(msg), string(msg, "to"), string(msg, "token"), string(msg, "resume"));
  }

  /**
   * The {@code tid} of a frame that failed {@link #decodeRequest}, if it can be read, so the error reply
   * reaches the right promise; null otherwise.
   */
  public static String tidOf(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      JsonNode tid = root == null ? null : root.get("tid");
      return tid != null && tid.isTextual() && tid.asText().length() <= 64 ? tid.asText() : null;
    } catch (JacksonException | RuntimeException e) {
      return null;
    }
  }

  public static String encode(SignalingRequest r) {
    ObjectNode root = NODES.objectNode();
    if (r.tid() != null) {
      root.put("tid", r.tid());
    }
    ObjectNode msg = root.putObject("msg");
    msg.put("action", r.actionName());
    putIf(msg, "room", r.room());
    putIf(msg, "display", r.display());
    putIf(msg, "call", r.call());
    putIf(msg, "data", r.data());
    putIf(msg, "to", r.to());
    putIf(msg, "token", r.token());
    putIf(msg, "resume", r.resume());
    return root.toString();
  }

  public static String encode(ServerMessage m) {
    ObjectNode root = NODES.objectNode();
    switch (m) {
      case ServerMessage.Reply r -> {
        root.put("tid", r.tid());
        root.putNull("msg");
      }
      case ServerMessage.JoinReply r -> {
        root.put("tid", r.tid());
        ObjectNode msg = root.putObject("msg");
        msg.put("action", "join");
        msg.put("room", r.room());
        msg.set("self", participant(r.self()));
        msg.set("participants", participants(r.participants()));
        putIf(msg, "resume", r.resume());
      }
      case ServerMessage.ErrorReply r -> {
        if (r.tid() != null) {
          root.put("tid", r.tid());
        }
        ObjectNode msg = root.putObject("msg");
        msg.put("action", "error");
        msg.put("code", r.error().code());
        msg.put("message", r.message());
      }
      case ServerMessage.Notify n -> {
        ObjectNode msg = root.putObject("msg");
        msg.put("action", "notify");
        msg.put("event", n.event());
        putIf(msg, "param", n.param());
        putIf(msg, "data", n.data());
        msg.put("room", n.room());
        if (n.self() != null) {
          msg.set("self", participant(n.self()));
        }
        if (n.peer() != null) {
          msg.set("peer", participant(n.peer()));
        }
        msg.set("participants", participants(n.participants()));
      }
    }
    return root.toString();
  }

  /** A frame from the server: a reply (tid present) or a notification. */
  public static ServerMessage decodeServer(String text) {
    JsonNode root = parse(text);
    String tid = string(root, "tid");
    JsonNode msg = root.get("msg");
    if (msg == null || msg.isNull()) {
      if (tid == null) {
        throw new SignalingException("frame has neither 'tid' nor 'msg'");
      }
      return new ServerMessage.Reply(tid);
    }
    if (!msg.isObject()) {
      throw new SignalingException("'msg' is not an object");
    }
    String action = string(msg, "action");
    if ("error".equals(action)) {
      String code = string(msg, "code");
      String message = string(msg, "message");
      return new ServerMessage.ErrorReply(tid, SignalingError.ofCode(code == null ? "" : code),
          message == null ? "" : message);
    }
    if ("notify".equals(action)) {
      String event = string(msg, "event");
      if (event == null) {
        throw new SignalingException("notify has no 'event'");
      }
      return new ServerMessage.Notify(event, string(msg, "param"), data(msg), string(msg, "room"),
          optionalParticipant(msg, "self"), optionalParticipant(msg, "peer"), participantList(msg));
    }
    if ("join".equals(action) && tid != null) {
      return new ServerMessage.JoinReply(tid, string(msg, "room"), optionalParticipant(msg, "self"),
          participantList(msg), string(msg, "resume"));
    }
    if (tid != null) {
      return new ServerMessage.Reply(tid); // a reply whose body we do not need
    }
    throw new SignalingException("unexpected message action '" + action + "' without tid");
  }

  private static JsonNode parse(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new SignalingException("not JSON: " + e.getOriginalMessage(), e, true);
    }
    if (root == null || root.isMissingNode()) {
      throw new SignalingException("not JSON: empty frame", null, true);
    }
    if (!root.isObject()) {
      throw new SignalingException("frame is not a JSON object");
    }
    return root;
  }

  private static String string(JsonNode obj, String field) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new SignalingException("'" + field + "' is not a string");
    }
    return n.asText();
  }

  private static String data(JsonNode msg) {
    JsonNode n = msg.get("data");
    if (n == null || n.isNull()) {
      return null;
    }
    return n.isTextual() ? n.asText() : n.toString();
  }

  private static Participant optionalParticipant(JsonNode msg, String field) {
    JsonNode n = msg.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    return participant(n, field);
  }

  private static Participant participant(JsonNode n, String field) {
    if (!n.isObject()) {
      throw new SignalingException("'" + field + "' is not an object");
    }
    String display = string(n, "display");
    if (display == null) {
      throw new SignalingException("'" + field + ".display' is missing");
    }
    JsonNode pub = n.get("publishing");
    if (pub != null && !pub.isNull() && !pub.isBoolean()) {
      throw new SignalingException("'" + field + ".publishing' is not a boolean");
    }
    return new Participant(display, pub != null && pub.asBoolean());
  }

  private static List<Participant> participantList(JsonNode msg) {
    JsonNode arr = msg.get("participants");
    if (arr == null || arr.isNull()) {
      return List.of();
    }
    if (!arr.isArray()) {
      throw new SignalingException("'participants' is not an array");
    }
    List<Participant> out = new ArrayList<>(arr.size());
    for (JsonNode p : arr) {
      out.add(participant(p, "participants[]"));
    }
    return out;
  }

  private static ObjectNode participant(Participant p) {
    ObjectNode o = NODES.objectNode();
    o.put("display", p.display());
    o.put("publishing", p.publishing());
    return o;
  }

  private static ArrayNode participants(List<Participant> list) {
    ArrayNode a = NODES.arrayNode();
    list.forEach(p -> a.add(participant(p)));
    return a;
  }

  private static void putIf(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
