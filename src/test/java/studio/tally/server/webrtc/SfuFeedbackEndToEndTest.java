package studio.tally.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import studio.tally.proto.rtp.GenericNack;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.TransportCcFeedback;
import studio.tally.proto.sdp.MediaDescription;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.proto.sdp.SsrcGroup;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;
import studio.tally.server.hub.StreamKey;
import studio.tally.testing.Ffmpeg;
import studio.tally.server.webrtc.sfu.RtcPublisherSession;
import studio.tally.server.webrtc.sfu.RtcSubscriberSession;

/**
 * The SFU's feedback loops against a real {@link TallyServer}, with our test client (ICE, DTLS,
 * SRTP) as WHIP publisher and WHEP players: a player drops packets and NACKs them, and gets them back
 * as RTX (RFC 4588) when it negotiated RTX, else as plain retransmissions; a gap in the publisher's
 * sequence numbers is NACKed upstream and the publisher's RTX answer reaches the player as the
 * original packet; the publisher's transport-wide sequence numbers come back as transport-cc
 * feedback. The server runs {@link #LOOPS} WebRTC loops (UDP sockets with SO_REUSEPORT): players of one
 * stream spread over them all get the media, and a player on another loop than the publisher's gets
 * its NACK answered.
 */
@Timeout(60)
class SfuFeedbackEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int PUB_SSRC = 0x1111;
  private static final int PUB_RTX_SSRC = 0x2222;
  private static final int TWCC_ID = 3;
  private static final StreamKey KEY = new StreamKey("live", "fb");
  /** More loops than this machine may have cores: the spreading does not depend on the core count. */
  private static final int LOOPS = 3;

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private TallyServer server;
  private java.nio.file.Path configDir;
  private int twSeq;

  @BeforeEach
  void start() throws Exception {
    System.setProperty(WebRtcTransportServer.LOOPS_PROPERTY, String.valueOf(LOOPS));
    try {
      server = TallyServer.start(ServerConfig.defaults().withListen(List.of("127.0.0.1:0")).withRtcUdp("127.0.0.1:0")
          .withRtcProtocol("udp").withConfigDir((configDir = Files.createTempDirectory("tally-sfu-feedback-e2e")).toString()),
          "0.1.0-test");
    } finally {
      System.clearProperty(WebRtcTransportServer.LOOPS_PROPERTY);
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    server.close();
    deleteTree(configDir);
  }

  private static String offer(String ufrag, boolean publish, boolean rtx) throws Exception {
    return offer(ufrag, publish, rtx, true);
  }

  private static String offer(String ufrag, boolean publish, boolean rtx, boolean remb) throws Exception {
    StringBuilder s = new StringBuilder();
    s.append("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n");
    s.append("m=video 9 UDP/TLS/RTP/SAVPF 96").append(rtx ? " 97" : "").append("\r\nc=IN IP4 0.0.0.0\r\n");
    s.append("a=mid:0\r\na=ice-ufrag:").append(ufrag).append("\r\na=ice-pwd:test-password-0123456789\r\n");
    s.append("a=fingerprint:").append(RtcTestClient.fingerprint().toSdpValue()).append("\r\n");
    s.append("a=setup:actpass\r\na=").append(publish ? "sendonly" : "recvonly").append("\r\na=rtcp-mux\r\n");
    s.append("a=extmap:").append(TWCC_ID)
        .append(" http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n");
    s.append("a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 transport-cc\r\n");
    if (remb) {
      s.append("a=rtcp-fb:96 goog-remb\r\n");
    }
    s.append("a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
    if (rtx) {
      s.append("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n");
    }
    if (publish) {
      s.append("a=ssrc-group:FID ").append(PUB_SSRC).append(' ').append(PUB_RTX_SSRC).append("\r\n");
      s.append("a=ssrc:").append(PUB_SSRC).append(" cname:pub\r\na=ssrc:").append(PUB_RTX_SSRC).append(" cname:pub\r\n");
    }
    return s.toString();
  }

  /** Opus only, with the audio level extension at {@code levelId} and transport-cc at {@link #TWCC_ID}. */
  private static String audioOffer(String ufrag, boolean publish, int levelId) throws Exception {
    return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:" + ufrag
        + "\r\na=ice-pwd:test-password-0123456789\r\na=fingerprint:" + RtcTestClient.fingerprint().toSdpValue()
        + "\r\na=setup:actpass\r\na=" + (publish ? "sendonly" : "recvonly") + "\r\na=rtcp-mux\r\n"
        + "a=extmap:" + levelId + " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
        + "a=extmap:" + TWCC_ID + " http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
        + "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
        + (publish ? "a=ssrc:4444 cname:pub\r\n" : "");
  }

  record Peer(RtcTestClient client, MediaDescription answer) {}

  private Peer join(String path, String ufrag, boolean publish, boolean rtx) throws Exception {
    return join(path, ufrag, offer(ufrag, publish, rtx));
  }

  private Peer join(String path, String ufrag, String offer) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.boundAddresses().getFirst().getPort() + path)).header("Content-Type", "application/sdp")
        .POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    SessionDescription answer = SessionDescription.parse(r.body());
    MediaDescription m = answer.media().getFirst();
    RtcTestClient c = RtcTestClient.udp(server.webrtc().udpAddress());
    closeables.add(c);
    assertThat(c.check(answer.iceUfrag(m).orElseThrow() + ":" + ufrag, answer.icePwd(m).orElseThrow(), true, WAIT))
        .isNotNull();
    c.handshake();
    return new Peer(c, m);
  }

  /** Publisher RTP: H.264 single NAL unit {@code [nal, index]}, with a transport-wide sequence number. */
  private void publish(Peer pub, int pt, int ssrc, int seq, byte[] payload, RtpPacket.Element... more) {
    ByteBuf b = Unpooled.buffer();
    int tw = twSeq++;
    List<RtpPacket.Element> ext = new ArrayList<>(List.of(more));
    ext.add(new RtpPacket.Element(TWCC_ID, new byte[] {(byte) (tw >> 8), (byte) tw}));
    RtpPacket.writeHeader(b, false, pt, seq, 90L * seq, ssrc, new int[0], ext);
    b.writeBytes(payload);
    pub.client.sendRaw(pub.client.protectRtp(ByteBufUtil.getBytes(b)));
  }

  private void publishVideo(Peer pub, int seq, int nal, int index) {
    publish(pub, 96, PUB_SSRC, seq, new byte[] {(byte) nal, (byte) index});
  }

  /** The next RTP packet the client gets (decrypted), skipping RTCP; {@code drop} packets are never decrypted. */
  private static byte[] nextRtp(RtcTestClient c, Predicate<Integer> drop) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      byte[] raw = c.srtp.poll(100, TimeUnit.MILLISECONDS);
      if (raw == null || RtcTransport.isRtcp(raw[1])) {
        if (raw != null) {
          c.unprotect(raw);
        }
        continue;
      }
      int seq = (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
      if (!drop.test(seq)) {
        return c.unprotect(raw);
      }
    }
    throw new AssertionError("no RTP within " + WAIT);
  }

  /** The next RTCP packet of this type the client gets (decrypted), skipping RTP and other RTCP. */
  private static <T extends RtcpPacket> T nextRtcp(RtcTestClient c, Class<T> type) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      byte[] raw = c.srtp.poll(100, TimeUnit.MILLISECONDS);
      if (raw == null || !RtcTransport.isRtcp(raw[1])) {
        continue;
      }
      for (RtcpPacket p : RtcpPacket.parseCompound(Unpooled.wrappedBuffer(c.unprotect(raw)))) {
        if (type.isInstance(p)) {
          return type.cast(p);
        }
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT);
  }

  private static RtpPacket parse(byte[] p) {
    return RtpPacket.parse(Unpooled.wrappedBuffer(p));
  }

  private static byte[] payload(byte[] p) {
    RtpPacket h = parse(p);
    return java.util.Arrays.copyOfRange(p, h.payloadOffset(), h.payloadOffset() + h.payloadLength());
  }

  private void sendNack(Peer player, int mediaSsrc, int... seqs) {
    ByteBuf b = Unpooled.buffer();
    GenericNack.of(0x5555, mediaSsrc, seqs).write(b);
    player.client.sendRaw(player.client.protectRtcp(ByteBufUtil.getBytes(b)));
  }

  /** Publisher and one player connected; the player got the keyframe (publisher seq 1000) and 1001..1009 but 1005, 1006. */
  private record Setup(Peer pub, Peer player, RtcSubscriberSession sub, int firstSeq, int playerSsrc) {}

  private Setup publishAndPlay(boolean playerRtx) throws Exception {
    Peer pub = join("/rtc/v1/whip/?app=live&stream=fb", "pubu", true, true);
    await().atMost(WAIT).until(() -> server.rtcStreams().stream(KEY).map(s -> s.publisher() != null
        && s.publisher().transport().state() == RtcTransport.State.CONNECTED).orElse(false));
    Peer player = join("/rtc/v1/whep/?app=live&stream=fb", "plau", false, playerRtx);
    RtcSubscriberSession sub = server.rtcStreams().stream(KEY).orElseThrow().subscribers().getFirst();
    await().atMost(WAIT).until(() -> sub.transport().state() == RtcTransport.State.CONNECTED);
    // the player waits for a keyframe: repeat it until one is through
    int[] first = {-1};
    await().atMost(WAIT).until(() -> {
      publishVideo(pub, 1000, 0x65, 0);
      byte[] p = player.client.srtp.poll(200, TimeUnit.MILLISECONDS);
      while (p != null && RtcTransport.isRtcp(p[1])) {
        player.client.unprotect(p);
        p = player.client.srtp.poll(200, TimeUnit.MILLISECONDS);
      }
      if (p != null) {
        first[0] = parse(player.client.unprotect(p)).sequence();
      }
      return p != null;
    });
    for (int i = 1; i < 10; i++) {
      publishVideo(pub, 1000 + i, 0x41, i);
    }
    int s0 = first[0];
    int ssrc = 0;
    for (int i = 1; i < 10; i++) {
      if (i == 5 || i == 6) {
        continue;
      }
      byte[] p = nextRtp(player.client, seq -> seq == ((s0 + 5) & 0xffff) || seq == ((s0 + 6) & 0xffff));
      assertThat(parse(p).sequence()).isEqualTo((s0 + i) & 0xffff);
      assertThat(payload(p)).containsExactly(0x41, i);
      ssrc = parse(p).ssrc();
    }
    return new Setup(pub, player, sub, s0, ssrc);
  }

  @Test
  void playerNacksAreAnsweredWithRtx() throws Exception {
    Setup s = publishAndPlay(true);
    SsrcGroup fid = s.player.answer.ssrcGroups().stream().filter(g -> g.semantics().equals("FID")).findFirst()
        .orElseThrow(() -> new AssertionError("answer to an RTX-capable player has no FID group"));
    assertThat(fid.ssrcs().getFirst().intValue()).isEqualTo(s.playerSsrc);
    int rtxSsrc = fid.ssrcs().get(1).intValue();
    sendNack(s.player, s.playerSsrc, s.firstSeq + 5, s.firstSeq + 6);
    for (int i = 5; i <= 6; i++) {
      byte[] p = nextRtp(s.player.client, seq -> false);
      RtpPacket rtx = parse(p);
      assertThat(rtx.payloadType()).as("RTX payload type of the player's offer").isEqualTo(97);
      assertThat(rtx.ssrc()).isEqualTo(rtxSsrc);
      assertThat(rtx.timestamp()).isEqualTo(parse(p).timestamp());
      byte[] body = payload(p);
      assertThat((body[0] & 0xff) << 8 | (body[1] & 0xff)).as("OSN").isEqualTo((s.firstSeq + i) & 0xffff);
      assertThat(java.util.Arrays.copyOfRange(body, 2, body.length)).containsExactly(0x41, i);
    }
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(s.sub.nacksReceived()).isEqualTo(1);
      assertThat(s.sub.rtxSent()).isEqualTo(2);
      assertThat(s.sub.retransmissions()).isEqualTo(2);
    });
    // a NACK for a packet never sent from this source is counted, not answered
    sendNack(s.player, s.playerSsrc, s.firstSeq - 100);
    await().atMost(WAIT).untilAsserted(() -> assertThat(s.sub.retransmissionsMissed()).isEqualTo(1));
    assertThat(s.sub.retransmissions()).isEqualTo(2);
  }

  @Test
  void playersOnSeveralLoopsAllGetTheMediaAndNacksAcrossLoopsAreAnswered() throws Exception {
    assertThat(server.webrtc().udpSockets()).isEqualTo(LOOPS);
    Peer pub = join("/rtc/v1/whip/?app=live&stream=fb", "pubu", true, true);
    await().atMost(WAIT).until(() -> server.rtcStreams().stream(KEY).map(s -> s.publisher() != null
        && s.publisher().transport().state() == RtcTransport.State.CONNECTED).orElse(false));
    var pubLoop = server.rtcStreams().stream(KEY).orElseThrow().publisher().transport().eventLoop();
    // players from their own source ports until the kernel's 4-tuple hash put them on at least two loops,
    // one of them not the publisher's
    List<Peer> players = new ArrayList<>();
    List<RtcSubscriberSession> subs = new ArrayList<>();
    java.util.Set<io.netty.channel.EventLoop> loops = new java.util.HashSet<>();
    while (players.size() < 24 && (loops.size() < 2 || !loops.stream().anyMatch(l -> l != pubLoop))) {
      players.add(join("/rtc/v1/whep/?app=live&stream=fb", "pl" + players.size(), false, true));
      RtcSubscriberSession sub = server.rtcStreams().stream(KEY).orElseThrow().subscribers().getLast();
      await().atMost(WAIT).until(() -> sub.transport().state() == RtcTransport.State.CONNECTED);
      subs.add(sub);
      loops.add(sub.transport().eventLoop());
    }
    assertThat(loops).as("loops of %d players", players.size()).hasSizeGreaterThanOrEqualTo(2);
    int remote = 0;
    while (remote < subs.size() && subs.get(remote).transport().eventLoop() == pubLoop) {
      remote++;
    }
    assertThat(remote).as("a player on another loop than the publisher's").isLessThan(subs.size());
    // keyframes (each a new packet) until every player started
    int seq = 1000;
    int[] last = new int[players.size()];
    java.util.Arrays.fill(last, -1);
    int[] next = {seq};
    await().atMost(WAIT).until(() -> {
      publishVideo(pub, next[0]++, 0x65, 0);
      boolean all = true;
      for (int i = 0; i < players.size(); i++) {
        for (byte[] raw; (raw = players.get(i).client.srtp.poll(20, TimeUnit.MILLISECONDS)) != null; ) {
          byte[] plain = players.get(i).client.unprotect(raw);
          if (!RtcTransport.isRtcp(raw[1])) {
            last[i] = parse(plain).sequence();
          }
        }
        all &= last[i] >= 0;
      }
      return all;
    });
    for (int i = 0; i < players.size(); i++) { // what is still on the way
      for (byte[] raw; (raw = players.get(i).client.srtp.poll(200, TimeUnit.MILLISECONDS)) != null; ) {
        byte[] plain = players.get(i).client.unprotect(raw);
        if (!RtcTransport.isRtcp(raw[1])) {
          last[i] = parse(plain).sequence();
        }
      }
    }
    seq = next[0];
    for (int k = 1; k <= 6; k++) {
      publishVideo(pub, seq + k - 1, 0x41, k);
    }
    int lost = (last[remote] + 3) & 0xffff; // the remote player "loses" the 3rd
    int remoteSsrc = 0;
    for (int i = 0; i < players.size(); i++) {
      int base = last[i];
      for (int k = 1; k <= 6; k++) {
        if (i == remote && k == 3) {
          continue;
        }
        byte[] p = nextRtp(players.get(i).client, i == remote ? s -> s == lost : s -> false);
        assertThat(parse(p).sequence()).as("player %d packet %d", i, k).isEqualTo((base + k) & 0xffff);
        assertThat(payload(p)).containsExactly(0x41, k);
        if (i == remote) {
          remoteSsrc = parse(p).ssrc();
        }
      }
    }
    Peer r = players.get(remote);
    RtcSubscriberSession remoteSub = subs.get(remote);
    sendNack(r, remoteSsrc, lost);
    byte[] p = nextRtp(r.client, s -> false);
    assertThat(parse(p).payloadType()).as("RTX").isEqualTo(97);
    byte[] body = payload(p);
    assertThat((body[0] & 0xff) << 8 | (body[1] & 0xff)).as("OSN").isEqualTo(lost);
    assertThat(java.util.Arrays.copyOfRange(body, 2, body.length)).containsExactly(0x41, 3);
    await().atMost(WAIT).untilAsserted(() -> assertThat(remoteSub.rtxSent()).isEqualTo(1));
  }

  /**
   * A player of a stream FFmpeg publishes over RTMP (through the RTMP -> WebRTC bridge) gets the packets
   * it NACKs again as RTX, byte for byte the packets it was sent.
   */
  @Test
  void aBridgedRtmpStreamAnswersItsPlayersNacksWithRtx() throws Exception {
    int port = server.boundAddresses().getFirst().getPort();
    closeables.add(Ffmpeg.bundled().publishTestSource("rtmp://127.0.0.1:" + port + "/live/fb", Duration.ofSeconds(60),
        320, 240, 30, 30));
    await().atMost(Duration.ofSeconds(30)).until(() -> server.hub().stream(KEY).map(s -> s.hasVideo()).orElse(false));
    Peer player = join("/rtc/v1/whep/?app=live&stream=fb", "brgu", false, true);
    assertThat(server.rtcStreams().stream(KEY).orElseThrow().source().origin()).isEqualTo("rtmp");
    RtcSubscriberSession sub = server.rtcStreams().stream(KEY).orElseThrow().subscribers().getFirst();
    int rtxSsrc = player.answer.ssrcGroups().stream().filter(g -> g.semantics().equals("FID")).findFirst()
        .orElseThrow(() -> new AssertionError("no FID group in the answer")).ssrcs().get(1).intValue();
    java.util.Map<Integer, byte[]> sent = new java.util.HashMap<>();
    int[] nacked = new int[2];
    int ssrc = 0;
    for (int i = 0; i < 12; i++) {
      byte[] p = nextRtp(player.client, seq -> false);
      sent.put(parse(p).sequence(), payload(p));
      ssrc = parse(p).ssrc();
      if (i == 4 || i == 9) {
        nacked[i == 4 ? 0 : 1] = parse(p).sequence();
      }
    }
    sendNack(player, ssrc, nacked);
    for (int i = 0; i < 2; i++) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      byte[] p = nextRtp(player.client, seq -> false);
      while (parse(p).ssrc() != rtxSsrc) { // live packets go on meanwhile
        assertThat(System.nanoTime()).as("an RTX packet within %s", WAIT).isLessThan(deadline);
        p = nextRtp(player.client, seq -> false);
      }
      assertThat(parse(p).payloadType()).as("RTX payload type of the player's offer").isEqualTo(97);
      byte[] body = payload(p);
      int osn = (body[0] & 0xff) << 8 | (body[1] & 0xff);
      assertThat(osn).isIn(nacked[0], nacked[1]);
      assertThat(java.util.Arrays.copyOfRange(body, 2, body.length)).isEqualTo(sent.get(osn));
    }
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(sub.nacksReceived()).isEqualTo(1);
      assertThat(sub.rtxSent()).isEqualTo(2);
    });
  }

  /**
   * HEVC over Enhanced RTMP (FFmpeg, libx265) to a player that offers H265 (and H.264 first): the bridge
   * answers H265 and sends RFC 7798 RTP, which FFmpeg's own RTP depacketizer and HEVC decoder turn back
   * into 320x240 pictures (the decrypted RTP relayed to it as plain RTP, described by an SDP file).
   */
  @Test
  void anHevcRtmpStreamReachesAnH265PlayerAndFfmpegDecodesItsRtp() throws Exception {
    int port = server.boundAddresses().getFirst().getPort();
    closeables.add(Ffmpeg.bundled().publishHevcTestSource("rtmp://127.0.0.1:" + port + "/live/fb", Duration.ofSeconds(60),
        320, 240, 30, 30));
    await().atMost(Duration.ofSeconds(30)).until(() -> server.hub().stream(KEY).map(s -> s.hasVideo()).orElse(false));
    String ufrag = "hevu";
    String offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
        + "m=video 9 UDP/TLS/RTP/SAVPF 102 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:" + ufrag
        + "\r\na=ice-pwd:test-password-0123456789\r\na=fingerprint:" + RtcTestClient.fingerprint().toSdpValue()
        + "\r\na=setup:actpass\r\na=recvonly\r\na=rtcp-mux\r\n"
        + "a=rtpmap:102 H264/90000\r\na=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
        + "a=rtpmap:96 H265/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
        + "a=fmtp:96 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST\r\n";
    Peer player = join("/rtc/v1/whep/?app=live&stream=fb", ufrag, offer);
    assertThat(player.answer.codecs()).extracting(c -> c.name()).containsExactly("H265");
    java.nio.file.Path sdp = Files.createTempFile("tally-hevc-rtp", ".sdp");
    int ffmpegPort;
    try (var probe = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      ffmpegPort = probe.getLocalPort();
    }
    Files.writeString(sdp, "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=hevc\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=video " + ffmpegPort + " RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\n");
    var decoder = Ffmpeg.bundled().start(List.of("-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString(),
        "-frames:v", "30", "-f", "null", "-"));
    closeables.add(decoder);
    try (var out = new java.net.DatagramSocket()) {
      var to = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), ffmpegPort);
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (decoder.isAlive() && System.nanoTime() < deadline) {
        byte[] p = nextRtp(player.client, seq -> false);
        out.send(new java.net.DatagramPacket(p, p.length, to));
      }
    }
    assertThat(decoder.waitFor(Duration.ofSeconds(10))).as(decoder.describe()).isZero();
    String log = String.join("\n", decoder.stderrLines());
    assertThat(log).as(log).contains("Video: hevc").contains("320x240").containsPattern("frame=\\s*30 ");
    Files.deleteIfExists(sdp);
  }

  @Test
  void withoutRtxTheSamePacketIsSentAgain() throws Exception {
    Setup s = publishAndPlay(false);
    assertThat(s.player.answer.ssrcGroups()).isEmpty();
    sendNack(s.player, s.playerSsrc, s.firstSeq + 6);
    byte[] p = nextRtp(s.player.client, seq -> false);
    assertThat(parse(p).payloadType()).isEqualTo(96);
    assertThat(parse(p).ssrc()).isEqualTo(s.playerSsrc);
    assertThat(parse(p).sequence()).isEqualTo((s.firstSeq + 6) & 0xffff);
    assertThat(payload(p)).containsExactly(0x41, 6);
    await().atMost(WAIT).untilAsserted(() -> assertThat(s.sub.retransmissions()).isEqualTo(1));
    assertThat(s.sub.rtxSent()).isZero();
  }

  @Test
  void publisherLossIsNackedAndItsRtxReachesThePlayer() throws Exception {
    Setup s = publishAndPlay(true);
    RtcPublisherSession pub = server.rtcStreams().stream(KEY).orElseThrow().publisher();
    publishVideo(s.pub, 1010, 0x41, 10);
    publishVideo(s.pub, 1012, 0x41, 12); // 1011 lost on the way
    GenericNack nack = nextRtcp(s.pub.client, GenericNack.class);
    assertThat(nack.mediaSsrc()).isEqualTo(PUB_SSRC);
    assertThat(nack.lost()).contains(1011);
    for (int i : new int[] {10, 12}) {
      byte[] p = nextRtp(s.player.client, seq -> false);
      assertThat(payload(p)).containsExactly(0x41, i);
    }
    // RFC 4588 from the publisher: own SSRC and sequence, OSN first
    publish(s.pub, 97, PUB_RTX_SSRC, 1, new byte[] {(byte) (1011 >> 8), (byte) 1011, 0x41, 11});
    byte[] p = nextRtp(s.player.client, seq -> false);
    assertThat(parse(p).payloadType()).isEqualTo(96);
    assertThat(parse(p).ssrc()).isEqualTo(s.playerSsrc);
    assertThat(parse(p).sequence()).isEqualTo((s.firstSeq + 11) & 0xffff);
    assertThat(payload(p)).containsExactly(0x41, 11);
    // the same RTX again (a second answer to a repeated NACK) is not forwarded twice
    publish(s.pub, 97, PUB_RTX_SSRC, 2, new byte[] {(byte) (1011 >> 8), (byte) 1011, 0x41, 11});
    publishVideo(s.pub, 1013, 0x41, 13);
    assertThat(payload(nextRtp(s.player.client, seq -> false))).containsExactly(0x41, 13);
    assertThat(pub.rtxReceived()).isEqualTo(2);
    assertThat(pub.packetsRecovered()).isEqualTo(1);
    assertThat(pub.nacksSent()).isPositive();
  }

  @Test
  void transportWideSequenceNumbersComeBackAsFeedback() throws Exception {
    Setup s = publishAndPlay(true);
    int from = twSeq;
    for (int i = 10; i < 20; i++) {
      publishVideo(s.pub, 1000 + i, 0x41, i);
    }
    // earlier feedback covers the setup's packets; find the one with ours
    long deadline = System.nanoTime() + WAIT.toNanos();
    int seen = 0;
    while (seen < 10 && System.nanoTime() < deadline) {
      TransportCcFeedback fb = nextRtcp(s.pub.client, TransportCcFeedback.class);
      long[] at = fb.arrivalTimesMicros();
      for (int k = 0; k < at.length; k++) {
        int tw = (fb.baseSequence() + k) & 0xffff;
        if (tw >= from && tw < from + 10) {
          assertThat(at[k]).as("arrival of transport-wide seq " + tw).isNotNegative();
          seen++;
        }
      }
    }
    assertThat(seen).isEqualTo(10);
    assertThat(server.rtcStreams().stream(KEY).orElseThrow().publisher().transportCcFeedbackSent()).isPositive();
  }

  @Test
  void theAudioLevelExtensionReachesThePlayerUnderItsOwnIdAndHopByHopOnesDoNot() throws Exception {
    Peer pub = join("/rtc/v1/whip/?app=live&stream=fb", "apub", audioOffer("apub", true, 1));
    await().atMost(WAIT).until(() -> server.rtcStreams().stream(KEY).map(s -> s.publisher() != null
        && s.publisher().transport().state() == RtcTransport.State.CONNECTED).orElse(false));
    Peer player = join("/rtc/v1/whep/?app=live&stream=fb", "aply", audioOffer("aply", false, 9));
    RtcSubscriberSession sub = server.rtcStreams().stream(KEY).orElseThrow().subscribers().getFirst();
    await().atMost(WAIT).until(() -> sub.transport().state() == RtcTransport.State.CONNECTED);
    byte[][] got = {null};
    int[] seq = {100};
    await().atMost(WAIT).until(() -> {
      publish(pub, 111, 4444, seq[0]++, new byte[] {(byte) 0xfc, 1, 2},
          new RtpPacket.Element(1, new byte[] {(byte) 0x85})); // voice activity, -5 dBov
      byte[] p = player.client.srtp.poll(200, TimeUnit.MILLISECONDS);
      if (p != null && !RtcTransport.isRtcp(p[1])) {
        got[0] = player.client.unprotect(p);
      } else if (p != null) {
        player.client.unprotect(p);
      }
      return got[0] != null;
    });
    ByteBuf b = Unpooled.wrappedBuffer(got[0]);
    RtpPacket p = RtpPacket.parse(b);
    assertThat(p.payloadType()).isEqualTo(111);
    var ext = p.extensions(b, 0);
    assertThat(ext).hasSize(1);
    assertThat(ext.getFirst().id()).isEqualTo(9);
    assertThat(b.getUnsignedByte(ext.getFirst().offset())).isEqualTo((short) 0x85);
    assertThat(payload(got[0])).containsExactly(0xfc, 1, 2);
  }

  /** RTP without the transport-wide sequence number the offer negotiated. */
  private void publishUnstamped(Peer pub, int seq, int nal, int index) {
    ByteBuf b = Unpooled.buffer();
    RtpPacket.writeHeader(b, false, 96, seq, 90L * seq, PUB_SSRC, new int[0], List.of());
    b.writeBytes(new byte[] {(byte) nal, (byte) index});
    pub.client.sendRaw(pub.client.protectRtp(ByteBufUtil.getBytes(b)));
  }

  /** RFC 3550 §6.4.2: about once a second a report block per SSRC, with loss and the last SR echoed. */
  @Test
  void thePublisherGetsReceiverReportsWithLossAndItsLastSenderReport() throws Exception {
    Peer pub = join("/rtc/v1/whip/?app=live&stream=fb", "rrpu", true, true);
    for (int seq = 2000; seq < 2020; seq++) {
      if (seq != 2005 && seq != 2006) {
        publishVideo(pub, seq, seq == 2000 ? 0x67 : 0x41, seq);
      }
    }
    long ntp = 0xE1234567_89ABCDEFL;
    ByteBuf sr = Unpooled.buffer();
    new studio.tally.proto.rtp.SenderReport(PUB_SSRC, ntp, 90L * 2019, 18, 36, List.of()).write(sr);
    pub.client.sendRaw(pub.client.protectRtcp(ByteBufUtil.getBytes(sr)));
    long deadline = System.nanoTime() + WAIT.toNanos();
    studio.tally.proto.rtp.ReportBlock block = null;
    while (System.nanoTime() < deadline) {
      var rr = nextRtcp(pub.client, studio.tally.proto.rtp.ReceiverReport.class);
      var b = rr.reports().stream().filter(r -> r.ssrc() == PUB_SSRC).findFirst().orElse(null);
      if (b != null && b.lastSenderReport() != 0) {
        block = b;
        break;
      }
    }
    assertThat(block).as("a receiver report echoing our SR").isNotNull();
    assertThat(block.lastSenderReport()).isEqualTo((ntp >>> 16) & 0xffffffffL);
    assertThat(block.extendedHighestSequence()).isEqualTo(2019);
    assertThat(block.cumulativeLost()).as("2005 and 2006 never came (no RTX from this publisher)").isEqualTo(2);
    assertThat(block.delaySinceLastSenderReport()).as("DLSR in 1/65536 s, under the wait").isLessThan(65536L * 10);
    assertThat(server.rtcStreams().stream(KEY).orElseThrow().publisher().receiverReportsSent()).isPositive();
  }

  /** transport-cc negotiated but never stamped: REMB instead, so the publisher still gets a bandwidth signal. */
  @Test
  void aPublisherThatNegotiatesTransportCcButStampsNothingGetsRemb() throws Exception {
    Peer pub = join("/rtc/v1/whip/?app=live&stream=fb", "rmbp", offer("rmbp", true, false, false));
    for (int seq = 3000; seq < 3030; seq++) {
      publishUnstamped(pub, seq, seq == 3000 ? 0x67 : 0x41, seq);
    }
    var remb = nextRtcp(pub.client, studio.tally.proto.rtp.Remb.class);
    assertThat(remb.ssrcs()).containsExactly(PUB_SSRC);
    assertThat(remb.bitrate()).isPositive();
    RtcPublisherSession p = server.rtcStreams().stream(KEY).orElseThrow().publisher();
    assertThat(p.rembSent()).isPositive();
    assertThat(p.transportCcFeedbackSent()).isZero();
  }

  static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (java.nio.file.Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
