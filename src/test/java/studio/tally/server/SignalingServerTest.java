package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import studio.tally.server.signaling.SignalingSettings;

/** Call signaling on the shared port, over real TCP (and TLS), from SRS's flow to bad input. */
class SignalingServerTest {
  private static final String PATH = "/sig/v1/rtc?room=r&display=d";

  static String join(String tid, String room, String display) {
    return "{\"tid\":\"" + tid + "\",\"msg\":{\"action\":\"join\",\"room\":\"" + room + "\",\"display\":\"" + display + "\"}}";
  }

  static String action(String tid, String action, String room, String display) {
    return "{\"tid\":\"" + tid + "\",\"msg\":{\"action\":\"" + action + "\",\"room\":\"" + room + "\",\"display\":\"" + display + "\"}}";
  }

  static String control(String tid, String room, String display, String call, String data) {
    return "{\"tid\":\"" + tid + "\",\"msg\":{\"action\":\"control\",\"room\":\"" + room + "\",\"display\":\"" + display
        + "\",\"call\":\"" + call + "\",\"data\":" + RawHttp.JSON.valueToTree(data) + "}}";
  }

  static List<String> displays(JsonNode participants) {
    List<String> out = new ArrayList<>();
    participants.forEach(p -> out.add(p.get("display").asText() + (p.get("publishing").asBoolean() ? "*" : "")));
    return out;
  }

  @Test
  void versionsAnswerOneDotZeroOnHttpAndHttps() {
    try (ServerFixture f = ServerFixture.start()) {
      var plain = RawHttp.get(f.port, false, "/sig/v1/versions");
      assertThat(plain.status()).isEqualTo(200);
      assertThat(plain.body()).isEqualTo("1.0");
      assertThat(RawHttp.get(f.port, true, "/sig/v1/versions").body()).isEqualTo("1.0");
      assertThat(RawHttp.get(f.port, false, "/sig/v1/rtc").status()).isEqualTo(400); // not an upgrade
    }
  }

  @Test
  void srsFlowJoinPublishControlAndLeaveOverWsAndWss() {
    try (ServerFixture f = ServerFixture.start()) {
      for (boolean tls : new boolean[] {false, true}) {
        String room = tls ? "secure" : "plain";
        try (RawWebSocket a = tls ? RawWebSocket.connectTls(f.port, PATH) : RawWebSocket.connect(f.port, PATH);
             RawWebSocket b = tls ? RawWebSocket.connectTls(f.port, PATH) : RawWebSocket.connect(f.port, PATH)) {
          JsonNode ja = a.request(join("4e1a3f0", room, "alice"));
          assertThat(ja.get("tid").asText()).isEqualTo("4e1a3f0");
          assertThat(ja.at("/msg/action").asText()).isEqualTo("join");
          assertThat(ja.at("/msg/self/display").asText()).isEqualTo("alice");
          assertThat(displays(ja.at("/msg/participants"))).containsExactly("alice");

          JsonNode jb = b.request(join("1b2c3d4", room, "bob"));
          assertThat(displays(jb.at("/msg/participants"))).containsExactly("alice", "bob");
          JsonNode joined = a.nextJson();
          assertThat(joined.has("tid")).isFalse();
          assertThat(joined.at("/msg/action").asText()).isEqualTo("notify");
          assertThat(joined.at("/msg/event").asText()).isEqualTo("join");
          assertThat(joined.at("/msg/self/display").asText()).isEqualTo("alice");
          assertThat(joined.at("/msg/peer/display").asText()).isEqualTo("bob");
          assertThat(joined.at("/msg").has("param")).isFalse();

          JsonNode pub = a.request(action("0000001", "publish", room, "alice"));
          assertThat(pub.get("tid").asText()).isEqualTo("0000001");
          assertThat(pub.get("msg").isNull()).isTrue();
          JsonNode published = b.nextJson();
          assertThat(published.at("/msg/event").asText()).isEqualTo("publish");
          assertThat(published.at("/msg/peer").toString()).isEqualTo("{\"display\":\"alice\",\"publishing\":true}");
          assertThat(displays(published.at("/msg/participants"))).containsExactly("alice*", "bob");

          for (String call : List.of("offer", "answer", "candidate", "bye")) {
            String data = "{\"type\":\"" + call + "\",\"sdp\":\"v=0\\r\\n\"}";
            assertThat(b.request(control("0000002", room, "bob", call, data)).get("msg").isNull()).isTrue();
            JsonNode ctl = a.nextJson();
            assertThat(ctl.at("/msg/event").asText()).isEqualTo("control");
            assertThat(ctl.at("/msg/param").asText()).isEqualTo(call);
            assertThat(ctl.at("/msg/data").asText()).isEqualTo(data);
            assertThat(ctl.at("/msg/peer/display").asText()).isEqualTo("bob");
          }

          b.close(); // a closed socket is a leave for the others
          JsonNode left = a.nextJson();
          assertThat(left.at("/msg/event").asText()).isEqualTo("leave");
          assertThat(left.at("/msg/peer/display").asText()).isEqualTo("bob");
          assertThat(displays(left.at("/msg/participants"))).containsExactly("alice*");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> f.server.signaling().socketCount() == 0);
        assertThat(f.server.signaling().roomCount()).isZero();
      }
    }
  }

  @Test
  void badRequestsGetErrorRepliesAndTheSocketStaysOpen() {
    try (ServerFixture f = ServerFixture.start(); RawWebSocket a = RawWebSocket.connect(f.port, PATH)) {
      JsonNode garbage = a.request("{this is not json");
      assertThat(garbage.at("/msg/action").asText()).isEqualTo("error");
      assertThat(garbage.at("/msg/code").asText()).isEqualTo("bad-json");
      assertThat(garbage.has("tid")).isFalse();

      JsonNode unknown = a.request("{\"tid\":\"77\",\"msg\":{\"action\":\"dance\"}}");
      assertThat(unknown.get("tid").asText()).isEqualTo("77");
      assertThat(unknown.at("/msg/code").asText()).isEqualTo("unknown-action");
      assertThat(unknown.at("/msg/message").asText()).contains("dance");

      assertThat(a.request("{\"tid\":\"1\",\"msg\":{\"action\":\"join\",\"room\":5}}").at("/msg/code").asText())
          .isEqualTo("bad-request");
      assertThat(a.request(join("2", "r", "bad/name")).at("/msg/code").asText()).isEqualTo("bad-name");
      assertThat(a.request(join("3", "", "x")).at("/msg/code").asText()).isEqualTo("bad-name");
      assertThat(a.request(action("4", "publish", "nowhere", "x")).at("/msg/code").asText()).isEqualTo("unknown-room");
      assertThat(a.request(action("5", "leave", "nowhere", "x")).at("/msg/code").asText()).isEqualTo("unknown-room");

      // after all that, the same socket still joins
      assertThat(a.request(join("6", "r", "alice")).at("/msg/action").asText()).isEqualTo("join");
      JsonNode tally = f.api("/api/v1/summaries").at("/data/tally");
      assertThat(tally.get("signaling_sockets").asLong()).isEqualTo(1);
      assertThat(tally.get("signaling_rooms").asLong()).isEqualTo(1);
      assertThat(tally.get("signaling_participants").asLong()).isEqualTo(1);
      assertThat(a.request(join("7", "other", "alice")).at("/msg/code").asText()).isEqualTo("already-joined");
      assertThat(a.request(control("8", "r", "alice", "offer", "x").replace("}}", ",\"to\":\"ghost\"}}"))
          .at("/msg/code").asText()).isEqualTo("unknown-peer");
    }
  }

  @Test
  void duplicateDisplayAndThirdJoinerAreRefusedAndTheCallGoesOn() {
    try (ServerFixture f = ServerFixture.start();
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH);
         RawWebSocket c = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "alice"));
      JsonNode dup = b.request(join("2", "r", "alice"));
      assertThat(dup.get("tid").asText()).isEqualTo("2");
      assertThat(dup.at("/msg/code").asText()).isEqualTo("duplicate-display");
      assertThat(b.request(join("3", "r", "bob")).at("/msg/action").asText()).isEqualTo("join");
      assertThat(a.nextJson().at("/msg/event").asText()).isEqualTo("join");

      JsonNode full = c.request(join("4", "r", "carol"));
      assertThat(full.at("/msg/code").asText()).isEqualTo("room-full");
      assertThat(full.at("/msg/message").asText()).contains("full (2)");
      assertThat(f.server.signaling().participants("r")).hasSize(2);

      // a and b still talk
      b.request(control("5", "r", "bob", "refresh", ""));
      assertThat(a.nextJson().at("/msg/param").asText()).isEqualTo("refresh");
      // the refused socket can still join elsewhere
      assertThat(c.request(join("6", "r2", "carol")).at("/msg/action").asText()).isEqualTo("join");
    }
  }

  @Test
  void roomCapacityIsConfigurable() {
    try (ServerFixture f = ServerFixture.start(c -> c.withSignaling(SignalingSettings.DEFAULT.withRoomCapacity(3)));
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH);
         RawWebSocket c = RawWebSocket.connect(f.port, PATH);
         RawWebSocket d = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "a"));
      b.request(join("1", "r", "b"));
      assertThat(c.request(join("1", "r", "c")).at("/msg/action").asText()).isEqualTo("join");
      assertThat(d.request(join("1", "r", "d")).at("/msg/code").asText()).isEqualTo("room-full");
    }
  }

  @Test
  void explicitLeaveNotifiesFreesTheRoomAndAllowsAnotherJoin() {
    try (ServerFixture f = ServerFixture.start();
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "alice"));
      b.request(join("2", "r", "bob"));
      a.nextJson(); // join notify
      assertThat(b.request(action("3", "leave", "r", "bob")).get("msg").isNull()).isTrue();
      JsonNode left = a.nextJson();
      assertThat(left.at("/msg/event").asText()).isEqualTo("leave");
      assertThat(displays(left.at("/msg/participants"))).containsExactly("alice");
      assertThat(a.request(action("4", "leave", "r", "alice")).get("msg").isNull()).isTrue();
      assertThat(f.server.signaling().roomCount()).isZero();
      assertThat(f.server.signaling().memberCount()).isZero();
      assertThat(b.request(join("5", "r2", "bob")).at("/msg/action").asText()).isEqualTo("join");
    }
  }

  @Test
  void rejoinWithResumeTokenReplacesTheStaleSocketAtOnce() {
    try (ServerFixture f = ServerFixture.start();
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH);
         RawWebSocket thief = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b2 = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "alice"));
      String resume = b.request(join("2", "r", "bob")).at("/msg/resume").asText();
      assertThat(resume).hasSize(32);
      a.nextJson();
      b.silent(); // its network went away; the server does not know yet

      String wrong = join("3", "r", "bob").replace("}}", ",\"resume\":\"0123456789abcdef0123456789abcdef\"}}");
      assertThat(thief.request(wrong).at("/msg/code").asText()).isEqualTo("duplicate-display");

      JsonNode back = b2.request(join("4", "r", "bob").replace("}}", ",\"resume\":\"" + resume + "\"}}"));
      assertThat(back.at("/msg/action").asText()).isEqualTo("join");
      assertThat(displays(back.at("/msg/participants"))).containsExactly("alice", "bob");
      JsonNode rejoined = a.nextJson();
      assertThat(rejoined.at("/msg/event").asText()).isEqualTo("join");
      assertThat(rejoined.at("/msg/peer/display").asText()).isEqualTo("bob");

      JsonNode replaced = b.nextJson();
      assertThat(replaced.at("/msg/code").asText()).isEqualTo("replaced");
      assertThat(b.awaitClosed(Duration.ofSeconds(5))).isTrue();
      // the old socket's close is no leave: bob is still in, on the new socket
      b2.request(control("5", "r", "bob", "refresh", ""));
      assertThat(a.nextJson().at("/msg/event").asText()).isEqualTo("control");
      assertThat(f.server.signaling().participants("r")).hasSize(2);
    }
  }

  @Test
  void oneMegabyteMessageGetsAnErrorAndACloseOthersUnaffected() {
    try (ServerFixture f = ServerFixture.start();
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "alice"));
      b.request(join("2", "r", "bob"));
      a.nextJson();
      b.sendFrame(0x1, new byte[1 << 20]);
      JsonNode err = b.nextJson();
      assertThat(err.at("/msg/code").asText()).isEqualTo("message-too-large");
      assertThat(b.awaitClosed(Duration.ofSeconds(5))).isTrue();
      assertThat(b.closeCode).isEqualTo(1009);
      assertThat(a.nextJson().at("/msg/event").asText()).isEqualTo("leave");
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.signaling().socketCount() == 1);
    }
  }

  @Test
  void aPeerThatStopsAnsweringPingsIsFoundDeadAndItsLeaveSent() {
    try (ServerFixture f = ServerFixture.start(c -> c.withSignaling(SignalingSettings.DEFAULT.withKeepalive(200, 1000)));
         RawWebSocket a = RawWebSocket.connect(f.port, PATH);
         RawWebSocket b = RawWebSocket.connect(f.port, PATH)) {
      a.request(join("1", "r", "alice"));
      b.request(join("2", "r", "bob"));
      a.nextJson();
      b.silent(); // like a peer whose link went down: no FIN, no pong
      // a keeps answering pings while it waits; the leave must come although b never closed
      JsonNode left = a.nextJson(Duration.ofSeconds(10));
      assertThat(left.at("/msg/event").asText()).isEqualTo("leave");
      assertThat(left.at("/msg/peer/display").asText()).isEqualTo("bob");
      assertThat(a.pingsSeen).isPositive();
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.signaling().socketCount() == 1);
      assertThat(f.server.signaling().participants("r")).extracting(p -> p.display()).containsExactly("alice");
    }
  }

  @Test
  void joinFloodIsRateLimitedAndLeavesNoRoomsOrSockets() {
    try (ServerFixture f = ServerFixture.start(c -> c.withSignaling(SignalingSettings.DEFAULT.withMaxRooms(20)))) {
      try (RawWebSocket a = RawWebSocket.connect(f.port, PATH)) {
        for (int i = 0; i < 60; i++) {
          a.sendText(join(Integer.toString(i), "flood" + i, "x"));
        }
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          JsonNode m = a.nextJson();
          codes.add(m.at("/msg/action").asText().equals("join") ? "join" : m.at("/msg/code").asText());
        }
        assertThat(codes.getFirst()).isEqualTo("join");
        assertThat(codes).containsOnly("join", "already-joined", "rate-limited").contains("rate-limited");
      }
      List<RawWebSocket> many = new ArrayList<>();
      try {
        for (int i = 0; i < 25; i++) {
          RawWebSocket s = RawWebSocket.connect(f.port, PATH);
          many.add(s);
          JsonNode r = s.request(join("1", "room" + i, "x"));
          assertThat(r.at("/msg/action").asText()).isEqualTo(i < 20 ? "join" : "error");
          if (i >= 20) {
            assertThat(r.at("/msg/code").asText()).isEqualTo("too-many-rooms");
          }
        }
      } finally {
        many.forEach(RawWebSocket::close);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.signaling().socketCount() == 0);
      assertThat(f.server.signaling().roomCount()).isZero();
      assertThat(f.server.signaling().memberCount()).isZero();
    }
  }

  @Test
  void signalingSettingsComeFromTheJsonConfig() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("tally-sig", ".json");
    java.nio.file.Files.writeString(file, "{\"signaling\":{\"roomCapacity\":3,\"pingIntervalMs\":500,\"token\":\"t\"}}");
    ServerConfig c = ServerConfig.read(file);
    assertThat(c.signalingSettings().capacity()).isEqualTo(3);
    assertThat(c.signalingSettings().pingInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.signalingSettings().deadAfter()).isEqualTo(Duration.ofSeconds(25));
    assertThat(c.signalingSettings().toString()).doesNotContain("\"t\"").contains("token=set");
    java.nio.file.Files.writeString(file, "{\"signaling\":{\"roomCapacty\":3}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.read(file)).hasMessageContaining("roomCapacty");
    java.nio.file.Files.writeString(file, "{\"signaling\":{\"roomCapacity\":0}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerConfig.read(file)).hasMessageContaining("roomCapacity 0");
  }

  @Test
  void tokenIsRequiredWhenConfigured() throws Exception {
    try (ServerFixture f = ServerFixture.start(c -> c.withSignaling(SignalingSettings.DEFAULT.withToken("s3cret")))) {
      assertThat(RawWebSocket.tryUpgrade(f.port, "/sig/v1/rtc?token=wrong")).startsWith("HTTP/1.1 401");
      try (RawWebSocket a = RawWebSocket.connect(f.port, PATH);
           RawWebSocket b = RawWebSocket.connect(f.port, "/sig/v1/rtc?token=s3cret")) {
        assertThat(a.request(join("1", "r", "alice")).at("/msg/code").asText()).isEqualTo("unauthorized");
        assertThat(a.request(join("2", "r", "alice").replace("}}", ",\"token\":\"s3cret\"}}")).at("/msg/action").asText())
            .isEqualTo("join");
        assertThat(b.request(join("3", "r", "bob")).at("/msg/action").asText()).isEqualTo("join");
      }
    }
  }
}
