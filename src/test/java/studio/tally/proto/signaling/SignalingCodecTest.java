package studio.tally.proto.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalingCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode tree(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void decodesSrsPageJoinPublishAndControl() {
    // As srs.sig.js sends them: JSON.stringify({tid, msg}) with a 7-hex tid.
    var join = SignalingCodec.decodeRequest("{\"tid\":\"4e1a3f0\",\"msg\":{\"action\":\"join\",\"room\":\"9cf3cfc\",\"display\":\"0bd1c\"}}");
    assertThat(join).isEqualTo(SignalingRequest.join("4e1a3f0", "9cf3cfc", "0bd1c"));
    assertThat(join.action()).isEqualTo(SignalingRequest.Action.JOIN);

    var publish = SignalingCodec.decodeRequest("{\"tid\":\"12ab34c\",\"msg\":{\"action\":\"publish\",\"room\":\"r\",\"display\":\"d\"}}");
    assertThat(publish.action()).isEqualTo(SignalingRequest.Action.PUBLISH);

    var control = SignalingCodec.decodeRequest(
        "{\"tid\":\"1\",\"msg\":{\"action\":\"control\",\"room\":\"r\",\"display\":\"d\",\"call\":\"refresh\",\"data\":\"\"}}");
    assertThat(control.call()).isEqualTo("refresh");
    assertThat(control.data()).isEmpty();
    assertThat(control.to()).isNull();
  }

  @Test
  void controlDataAsObjectIsKeptAsItsJsonText() throws Exception {
    var r = SignalingCodec.decodeRequest(
        "{\"tid\":\"1\",\"msg\":{\"action\":\"control\",\"room\":\"r\",\"display\":\"d\",\"call\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}}");
    assertThat(tree(r.data())).isEqualTo(tree("{\"type\":\"offer\",\"sdp\":\"v=0\"}"));
  }

  @Test
  void unknownActionDecodesAsUnknownWithItsName() {
    var r = SignalingCodec.decodeRequest("{\"tid\":\"7\",\"msg\":{\"action\":\"dance\"}}");
    assertThat(r.action()).isEqualTo(SignalingRequest.Action.UNKNOWN);
    assertThat(r.actionName()).isEqualTo("dance");
  }

  @Test
  void requestRoundTripsWithOurExtensions() {
    var join = SignalingRequest.join("abc", "room", "alice", "secret", "resume-1");
    assertThat(SignalingCodec.decodeRequest(SignalingCodec.encode(join))).isEqualTo(join);
    var ctl = SignalingRequest.control("t2", "room", "alice", "candidate", "{\"candidate\":\"x\"}", "bob");
    assertThat(SignalingCodec.decodeRequest(SignalingCodec.encode(ctl))).isEqualTo(ctl);
    var leave = SignalingRequest.leave("t3", "room", "alice");
    assertThat(SignalingCodec.decodeRequest(SignalingCodec.encode(leave))).isEqualTo(leave);
  }

  @Test
  void joinReplyHasSrsShape() throws Exception {
    var reply = new ServerMessage.JoinReply("4e1a3f0", "r", new Participant("bob", false),
        List.of(new Participant("alice", true), new Participant("bob", false)), null);
    assertThat(tree(SignalingCodec.encode(reply))).isEqualTo(tree("""
        {"tid":"4e1a3f0","msg":{"action":"join","room":"r","self":{"display":"bob","publishing":false},
         "participants":[{"display":"alice","publishing":true},{"display":"bob","publishing":false}]}}"""));
    assertThat(SignalingCodec.decodeServer(SignalingCodec.encode(reply))).isEqualTo(reply);
  }

  @Test
  void emptyReplyIsMsgNull() throws Exception {
    assertThat(tree(SignalingCodec.encode(new ServerMessage.Reply("12ab34c"))))
        .isEqualTo(tree("{\"tid\":\"12ab34c\",\"msg\":null}"));
    assertThat(SignalingCodec.decodeServer("{\"tid\":\"12ab34c\",\"msg\":null}")).isEqualTo(new ServerMessage.Reply("12ab34c"));
  }

  @Test
  void notifyOmitsEmptyParamAndDataLikeSrs() throws Exception {
    var n = new ServerMessage.Notify("publish", null, null, "r", new Participant("alice", true),
        new Participant("bob", true), List.of(new Participant("alice", true), new Participant("bob", true)));
    assertThat(tree(SignalingCodec.encode(n))).isEqualTo(tree("""
        {"msg":{"action":"notify","event":"publish","room":"r","self":{"display":"alice","publishing":true},
         "peer":{"display":"bob","publishing":true},
         "participants":[{"display":"alice","publishing":true},{"display":"bob","publishing":true}]}}"""));
    assertThat(SignalingCodec.decodeServer(SignalingCodec.encode(n))).isEqualTo(n);
  }

  @Test
  void decodesSrsControlNotifyFromBytes() {
    // What SRS's Go server sends for a control with call=refresh.
    var m = SignalingCodec.decodeServer("""
        {"msg":{"action":"notify","event":"control","param":"offer","data":"{\\"sdp\\":\\"v=0\\"}","room":"r",
        "self":{"display":"a","publishing":false},"peer":{"display":"b","publishing":false},
        "participants":[{"display":"a","publishing":false},{"display":"b","publishing":false}]}}""");
    assertThat(m).isInstanceOfSatisfying(ServerMessage.Notify.class, n -> {
      assertThat(n.event()).isEqualTo("control");
      assertThat(n.param()).isEqualTo("offer");
      assertThat(n.data()).isEqualTo("{\"sdp\":\"v=0\"}");
      assertThat(n.peer().display()).isEqualTo("b");
      assertThat(n.participants()).hasSize(2);
    });
  }

  @Test
  void errorReplyRoundTripsWithAndWithoutTid() throws Exception {
    var e = new ServerMessage.ErrorReply("9", SignalingError.ROOM_FULL, "room r is full (2)");
    assertThat(tree(SignalingCodec.encode(e)))
        .isEqualTo(tree("{\"tid\":\"9\",\"msg\":{\"action\":\"error\",\"code\":\"room-full\",\"message\":\"room r is full (2)\"}}"));
    assertThat(SignalingCodec.decodeServer(SignalingCodec.encode(e))).isEqualTo(e);
    var noTid = new ServerMessage.ErrorReply(null, SignalingError.BAD_JSON, "x");
    assertThat(SignalingCodec.encode(noTid)).doesNotContain("tid");
    assertThat(SignalingCodec.decodeServer(SignalingCodec.encode(noTid))).isEqualTo(noTid);
  }

  @Test
  void badInputGetsClearErrors() {
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("{not json")).isInstanceOf(SignalingException.class)
        .hasMessageStartingWith("signaling: not JSON");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("[1,2]")).hasMessage("signaling: frame is not a JSON object");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("{\"tid\":\"1\"}")).hasMessage("signaling: request has no 'msg' object");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("{\"tid\":\"1\",\"msg\":{}}")).hasMessage("signaling: request has no 'msg.action'");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("{\"tid\":1,\"msg\":{\"action\":\"join\"}}"))
        .hasMessage("signaling: 'tid' is not a string");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("{\"tid\":\"1\",\"msg\":{\"action\":\"join\",\"room\":[]}}"))
        .hasMessage("signaling: 'room' is not a string");
    assertThatThrownBy(() -> SignalingCodec.decodeRequest("")).isInstanceOf(SignalingException.class);
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatThrownBy(() -> SignalingCodec.decodeRequest(deep)).isInstanceOf(SignalingException.class);
    assertThatThrownBy(() -> SignalingCodec.decodeServer("{\"msg\":{\"action\":\"notify\",\"event\":\"join\",\"participants\":{}}}"))
        .hasMessage("signaling: 'participants' is not an array");
  }

  @Test
  void tidIsRecoveredFromAnInvalidRequestWhenReadable() {
    assertThat(SignalingCodec.tidOf("{\"tid\":\"abc\",\"msg\":5}")).isEqualTo("abc");
    assertThat(SignalingCodec.tidOf("{garbage")).isNull();
    assertThat(SignalingCodec.tidOf("{\"tid\":7}")).isNull();
  }

  @Test
  void namesFollowStreamSegmentRules() {
    assertThat(SignalingNames.isValid("alice")).isTrue();
    assertThat(SignalingNames.isValid("0bd1c")).isTrue();
    assertThat(SignalingNames.isValid("a.b-c_d~e")).isTrue();
    assertThat(SignalingNames.isValid("")).isFalse();
    assertThat(SignalingNames.isValid(null)).isFalse();
    assertThat(SignalingNames.isValid("a/b")).isFalse();
    assertThat(SignalingNames.isValid("a..b")).isFalse();
    assertThat(SignalingNames.isValid(".x")).isFalse();
    assertThat(SignalingNames.isValid("x".repeat(65))).isFalse();
    assertThat(SignalingNames.isValid("with space")).isFalse();
  }

  @Test
  void tokensNeverAppearInToString() {
    var join = SignalingRequest.join("t", "r", "d", "secret-token", "resume-secret");
    assertThat(join.toString()).doesNotContain("secret");
    var reply = new ServerMessage.JoinReply("t", "r", new Participant("d", false), List.of(), "resume-secret");
    assertThat(reply.toString()).doesNotContain("secret");
  }
}
