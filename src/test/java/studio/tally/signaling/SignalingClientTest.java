package studio.tally.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingError;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/** The Netty client against our running server over ws and wss. */
class SignalingClientTest {
  private TallyServer server;
  private int port;

  /** Collects what a client hears. */
  static final class Heard implements SignalingClient.Listener {
    final BlockingQueue<ServerMessage.Notify> notifies = new LinkedBlockingQueue<>();
    final BlockingQueue<ServerMessage.JoinReply> rejoins = new LinkedBlockingQueue<>();
    final List<SignalingClient.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onNotify(ServerMessage.Notify n) {
      notifies.add(n);
    }

    @Override
    public void onState(SignalingClient.State s, String reason) {
      states.add(s);
    }

    @Override
    public void onRejoined(ServerMessage.JoinReply r) {
      rejoins.add(r);
    }

    ServerMessage.Notify next() throws InterruptedException {
      ServerMessage.Notify n = notifies.poll(5, TimeUnit.SECONDS);
      assertThat(n).as("a notify within 5 s").isNotNull();
      return n;
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = TallyServer.start(ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0"))
        .withConfigDir(Files.createTempDirectory("tally-sig").toString()), "test");
    port = server.boundAddresses().getFirst().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SignalingOptions ws(int p) {
    return SignalingOptions.of("ws://127.0.0.1:" + p + "/sig/v1/rtc")
        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(20));
  }

  /** Quick keepalive (dead after 750 ms of silence) for the tests of exactly that. */
  private SignalingOptions wsQuickPings(int p) {
    return SignalingOptions.of("ws://127.0.0.1:" + p + "/sig/v1/rtc")
        .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(20));
  }

  @Test
  void twoClientsJoinPublishControlAndLeave() throws Exception {
    Heard ha = new Heard();
    Heard hb = new Heard();
    try (SignalingClient a = SignalingClient.connect(ws(port), ha); SignalingClient b = SignalingClient.connect(ws(port), hb)) {
      assertThat(a.join("room1", "alice").get(10, TimeUnit.SECONDS).participants()).hasSize(1);
      var jb = b.join("room1", "bob").get(10, TimeUnit.SECONDS);
      assertThat(jb.participants()).extracting(p -> p.display()).containsExactly("alice", "bob");
      assertThat(ha.next().event()).isEqualTo("join");

      a.publish().get(10, TimeUnit.SECONDS);
      var pub = hb.next();
      assertThat(pub.event()).isEqualTo("publish");
      assertThat(pub.peer().publishing()).isTrue();

      // many requests in flight at once: each reply finds its own future by tid
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        all.add(b.control("candidate", "{\"i\":" + i + "}", "alice"));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 10; i++) {
        var c = ha.next();
        assertThat(c.param()).isEqualTo("candidate");
        assertThat(c.data()).isEqualTo("{\"i\":" + i + "}");
      }
      b.leave().get(10, TimeUnit.SECONDS);
      assertThat(ha.next().event()).isEqualTo("leave");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.signaling().socketCount() == 0);
  }

  @Test
  void serverErrorsFailTheRequestWithTheirCode() throws Exception {
    try (SignalingClient a = SignalingClient.connect(ws(port), new Heard());
         SignalingClient b = SignalingClient.connect(ws(port), new Heard());
         SignalingClient c = SignalingClient.connect(ws(port), new Heard())) {
      a.join("r", "alice").get(10, TimeUnit.SECONDS);
      b.join("r", "bob").get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> c.join("r", "carol").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(SignalingClientException.class,
              e -> assertThat(e.error()).isEqualTo(SignalingError.ROOM_FULL));
      assertThatThrownBy(() -> c.publish().get(10, TimeUnit.SECONDS)).cause()
          .isInstanceOfSatisfying(SignalingClientException.class, e -> assertThat(e.error()).isNotNull());
    }
  }

  @Test
  void wssWithInsecureOrPinnedTrustConnectsAndSystemTrustRefusesSelfSigned() throws Exception {
    String url = "wss://127.0.0.1:" + port + "/sig/v1/rtc";
    try (SignalingClient a = SignalingClient.connect(SignalingOptions.of(url).withTls(null, true), new Heard())) {
      assertThat(a.join("tls", "alice").get(10, TimeUnit.SECONDS).room()).isEqualTo("tls");
    }
    String pin = server.certificate().sha256Fingerprint();
    try (SignalingClient a = SignalingClient.connect(SignalingOptions.of(url).withTls(pin, false), new Heard())) {
      assertThat(a.join("tls2", "alice").get(10, TimeUnit.SECONDS).room()).isEqualTo("tls2");
    }
    String wrongPin = "00".repeat(32);
    assertThatThrownBy(() -> SignalingClient.connect(SignalingOptions.of(url).withTls(wrongPin, false), new Heard()))
        .isInstanceOf(SignalingClientException.class).hasMessageContaining("cannot connect");
    assertThatThrownBy(() -> SignalingClient.connect(SignalingOptions.of(url), new Heard()))
        .isInstanceOf(SignalingClientException.class);
  }

  @Test
  void badUrlsAndRefusedConnectionsAreClearErrors() {
    assertThatThrownBy(() -> SignalingOptions.of("http://x/sig")).hasMessageContaining("ws:// or wss://");
    assertThat(SignalingOptions.of("ws://h:1").uri().getPath()).isEqualTo("/sig/v1/rtc");
    int closed = studio.tally.testing.FreePort.tcp();
    assertThatThrownBy(() -> SignalingClient.connect(ws(closed), new Heard()))
        .isInstanceOf(SignalingClientException.class).hasMessageContaining("cannot connect");
  }

  @Test
  void aVanishedNetworkReconnectsAndRejoinsWithTheResumeToken() throws Exception {
    Heard ha = new Heard();
    Heard hb = new Heard();
    try (CuttableProxy proxy = new CuttableProxy(port);
         SignalingClient a = SignalingClient.connect(ws(port), ha);
         SignalingClient b = SignalingClient.connect(ws(proxy.port()), hb)) {
      a.join("r", "alice").get(10, TimeUnit.SECONDS);
      b.join("r", "bob").get(10, TimeUnit.SECONDS);
      assertThat(ha.next().event()).isEqualTo("join");

      proxy.cutClients(); // bob's old socket stays open at the server, silent
      ServerMessage.JoinReply back = hb.rejoins.poll(10, TimeUnit.SECONDS);
      assertThat(back).as("rejoined").isNotNull();
      assertThat(back.participants()).extracting(p -> p.display()).containsExactly("alice", "bob");
      assertThat(hb.states).contains(SignalingClient.State.RECONNECTING, SignalingClient.State.OPEN);
      // alice hears bob come back (no leave: the stale socket was replaced, not timed out)
      var n = ha.next();
      assertThat(n.event()).isEqualTo("join");
      assertThat(n.peer().display()).isEqualTo("bob");
      b.control("refresh", "", null).get(10, TimeUnit.SECONDS);
      assertThat(ha.next().event()).isEqualTo("control");
      assertThat(server.signaling().participants("r")).hasSize(2);
    }
  }

  @Test
  void aServerThatFallsSilentIsFoundByThePingsAndTheClientRejoins() throws Exception {
    Heard ha = new Heard();
    Heard hb = new Heard();
    try (CuttableProxy proxy = new CuttableProxy(port);
         SignalingClient a = SignalingClient.connect(ws(port), ha);
         SignalingClient b = SignalingClient.connect(wsQuickPings(proxy.port()), hb)) {
      a.join("r", "alice").get(10, TimeUnit.SECONDS);
      b.join("r", "bob").get(10, TimeUnit.SECONDS);
      ha.next();
      proxy.freeze(); // no FIN either way: only bob's missing pongs can tell
      ServerMessage.JoinReply back = hb.rejoins.poll(10, TimeUnit.SECONDS);
      assertThat(back).as("rejoined after the silence").isNotNull();
      assertThat(hb.states).contains(SignalingClient.State.RECONNECTING);
      assertThat(ha.next().event()).isEqualTo("join"); // bob back on a new socket, no leave in between
      assertThat(ha.notifies).isEmpty();
    }
  }
}
