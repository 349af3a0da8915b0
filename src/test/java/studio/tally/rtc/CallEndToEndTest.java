package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.media.capture.TestTone;
import studio.tally.testing.NetNamespace;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.ToneAnalysis;

/**
 * Two {@code tally call} processes in a network namespace (libwebrtc ignores loopback) call each other
 * through our server's signaling, in SFU mode (media through the server) and P2P mode (direct); each
 * must decode the other's test pattern and read its time codes, and hear its test tone.
 */
@ExtendWith(PeerReaper.class)
class CallEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** RMS of the test tone's 1 kHz (amplitude 0.1), dBFS. */
  private static final double TONE_DB = 20 * Math.log10(0.1 / Math.sqrt(2));

  static PeerProcess call(NetNamespace ns, String name, String mode) {
    return callVia(ns, ns.address(1), name, mode);
  }

  static PeerProcess callVia(NetNamespace ns, String serverIp, String name, String mode, String... extra) {
    return callFor(ns, serverIp, name, mode, 8, extra);
  }

  static PeerProcess callFor(NetNamespace ns, String serverIp, String name, String mode, int seconds, String... extra) {
    List<String> c = new ArrayList<>(List.of(NamespacePeers.java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "call",
        "--signal", "ws://" + serverIp + ":" + NamespacePeers.HTTP_PORT + "/sig/v1/rtc",
        "--room", "e2e-" + mode, "--name", name, "--mode", mode, "--duration", Integer.toString(seconds), "--json"));
    c.addAll(List.of(extra));
    return ns.start("call-" + mode + "-" + name + "-" + System.nanoTime() % 100000, c);
  }

  static JsonNode result(PeerProcess p) throws Exception {
    int code = p.waitFor(Duration.ofSeconds(90));
    String out = NamespacePeers.stdout(p);
    String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(p.name() + " exited " + code + " without JSON\n" + out + p.describe()));
    JsonNode j = JSON.readTree(last);
    assertThat(j.get("exit").asInt()).as(p.name() + ": " + last + "\n" + p.stderrTail(40)).isEqualTo(code);
    return j;
  }

  private void callBothWays(String mode) throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      callBothWays(ns, ns.address(1), mode);
    }
  }

  private void callBothWays(NetNamespace ns, String serverIp, String mode) throws Exception {
    {
      Path dir = PeerFiles.newDir("call-" + mode);
      try (PeerProcess alice = callVia(ns, serverIp, "alice", mode, "--audio-out", dir.resolve("alice.wav").toString());
          PeerProcess bob = callVia(ns, serverIp, "bob", mode, "--audio-out", dir.resolve("bob.wav").toString())) {
        JsonNode a = result(alice);
        JsonNode b = result(bob);
        System.out.println("CALL " + mode + " alice: " + a + "\nCALL " + mode + " bob: " + b);
        for (JsonNode[] pair : new JsonNode[][] {{a, b}, {b, a}}) {
          JsonNode me = pair[0];
          assertThat(me.get("exit").asInt()).as(me.toString()).isZero();
          assertThat(me.get("result").asText()).isEqualTo("media both ways");
          assertThat(me.get("peer").asText()).isEqualTo(pair[1].get("name").asText());
          assertThat(me.get("frames_received").asLong()).as(me.toString()).isGreaterThan(30);
          assertThat(me.get("timecodes_read").asLong()).as("the peer's time codes decoded: " + me).isPositive();
          assertThat(me.get("width").asInt()).isEqualTo(640);
          assertThat(me.get("height").asInt()).isEqualTo(360);
          // the peer's test tone, not silence: its 1 kHz at the level sent, over 1.4 s in the middle of what was heard
          assertThat(me.get("audio_source").asText()).isEqualTo("test tone");
          assertThat(me.get("audio_samples").asLong()).as("a few seconds of audio: " + me).isGreaterThan(2 * 48_000);
          ToneAnalysis heard = ToneAnalysis.of(dir.resolve(me.get("name").asText() + ".wav"));
          int n = 1 << 16;
          assertThat(heard.toneDb(TestTone.TONE_HZ, heard.samples() / 2 - n / 2, heard.samples() / 2 + n / 2))
              .as("the peer's 1 kHz tone heard by " + me.get("name")).isCloseTo(TONE_DB, within(3.0));
        }
      }
    }
  }

  @Test
  void twoCallsInSfuModeSeeEachOther() throws Exception {
    callBothWays("sfu");
  }

  @Test
  void twoCallsInP2pModeSeeEachOther() throws Exception {
    callBothWays("p2p");
  }

  /**
   * The first thing a user tries: the embedded server on 127.0.0.1 and two calls on the same machine.
   * libwebrtc gathers no loopback candidates, but from its other interface's address it reaches the
   * server's 127.0.0.1 candidate (the kernel delivers local traffic over lo), so it works wherever the
   * machine has any other interface up (here: the namespace's veth).
   */
  @Test
  void twoCallsOnOneMachineThroughAServerOnLoopback() throws Exception {
    try (NetNamespace ns = NetNamespace.create()) {
      List<String> c = List.of(NamespacePeers.java(), "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "serve",
          "--listen", "127.0.0.1:" + NamespacePeers.HTTP_PORT, "--rtc-udp", "127.0.0.1:" + NamespacePeers.UDP_PORT,
          "--config-dir", studio.tally.testing.PeerFiles.newDir("call-loopback").toString());
      try (PeerProcess server = ns.start("tally-serve-loopback", c)) {
        NamespacePeers.awaitServerReady(server);
        callBothWays(ns, "127.0.0.1", "sfu");
      }
    }
  }

  /** The peer hangs up and someone joins under the same name: the call starts over with the newcomer. */
  @Test
  void afterThePeerLeavesANewPeerIsCalledInP2pMode() throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      String ip = ns.address(1);
      try (PeerProcess alice = callFor(ns, ip, "alice", "p2p", 40)) {
        try (PeerProcess bob = callFor(ns, ip, "bob", "p2p", 8)) {
          JsonNode first = result(bob);
          assertThat(first.get("exit").asInt()).as(first.toString()).isZero();
        }
        try (PeerProcess bobAgain = callFor(ns, ip, "bob", "p2p", 8)) {
          JsonNode second = result(bobAgain);
          System.out.println("CALL p2p bob again: " + second);
          assertThat(second.get("exit").asInt()).as(second.toString()).isZero();
          assertThat(second.get("peer").asText()).isEqualTo("alice");
          assertThat(second.get("timecodes_read").asLong()).isPositive();
        }
        JsonNode a = result(alice);
        assertThat(a.get("exit").asInt()).as(a.toString()).isZero();
      }
    }
  }

  /** Alice's camera is off: Bob still gets her video track, as black frames with no time code in them. */
  @Test
  void aMutedCameraSendsBlackFrames() throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      String ip = ns.address(1);
      try (PeerProcess alice = callVia(ns, ip, "alice", "sfu", "--mute", "camera", "--mute", "mic");
          PeerProcess bob = callVia(ns, ip, "bob", "sfu")) {
        JsonNode a = result(alice);
        JsonNode b = result(bob);
        System.out.println("CALL muted alice: " + a + "\nCALL bob: " + b);
        assertThat(a.get("camera_off").asBoolean()).isTrue();
        assertThat(a.get("mic_muted").asBoolean()).isTrue();
        assertThat(a.get("timecodes_read").asLong()).as("alice still sees bob").isPositive();
        assertThat(b.get("camera_off").asBoolean()).isFalse();
        assertThat(b.get("frames_received").asLong()).as("black frames still arrive: " + b).isGreaterThan(30);
        assertThat(b.get("timecodes_read").asLong()).as("but nothing of alice's picture: " + b).isZero();
      }
    }
  }

  /**
   * An SFU call publishes while it joins: a joiner the room refuses (full) must take its stream away
   * again (WHIP DELETE) rather than leave it on the server until ICE consent runs out.
   */
  @Test
  void aJoinerTheRoomRefusesLeavesNoStreamBehind() throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      String ip = ns.address(1);
      try (PeerProcess alice = callFor(ns, ip, "alice", "sfu", 20); PeerProcess bob = callFor(ns, ip, "bob", "sfu", 20)) {
        await("alice and bob in the room, per the server's log").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> NamespacePeers.stdout(server).contains("'alice' joined room 'e2e-sfu'")
                && NamespacePeers.stdout(server).contains("'bob' joined room 'e2e-sfu'"));
        try (PeerProcess carol = callFor(ns, ip, "carol", "sfu", 8)) {
          JsonNode c = result(carol);
          assertThat(c.get("exit").asInt()).as(c.toString()).isEqualTo(2);
          assertThat(c.get("result").asText()).contains("full");
        }
        // every publisher carol made is gone, deleted by carol itself (not timed out later)
        await("carol's stream deleted, per the server's log").atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> count(NamespacePeers.stdout(server), "for e2e-sfu/carol (rtc ")
                == count(NamespacePeers.stdout(server), "for e2e-sfu/carol closed: deleted"));
        JsonNode a = result(alice);
        assertThat(a.get("exit").asInt()).as("alice's call goes on: " + a).isZero();
        assertThat(a.get("peer").asText()).isEqualTo("bob");
        assertThat(result(bob).get("exit").asInt()).isZero();
      }
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aLonePeerExitsOneAndAnUnreachableServerTwo() throws Exception {
    try (NetNamespace ns = NetNamespace.create(); PeerProcess server = NamespacePeers.server(ns, "udp")) {
      NamespacePeers.awaitServerReady(server);
      try (PeerProcess alone = call(ns, "alone", "p2p")) {
        JsonNode j = result(alone);
        assertThat(j.get("exit").asInt()).isEqualTo(1);
        assertThat(j.get("result").asText()).isEqualTo("the peer never came");
      }
      List<String> c = new ArrayList<>(List.of(NamespacePeers.java(), "--enable-native-access=ALL-UNNAMED",
          "-cp", System.getProperty("java.class.path"), "studio.tally.cli.Main", "call",
          "--signal", "ws://" + ns.address(1) + ":9/sig/v1/rtc", "--room", "r", "--name", "n", "--json"));
      try (PeerProcess nowhere = ns.start("call-nowhere", c)) {
        JsonNode j = result(nowhere);
        assertThat(j.get("exit").asInt()).isEqualTo(2);
        assertThat(j.get("result").asText()).startsWith("could not connect");
      }
    }
  }
}
