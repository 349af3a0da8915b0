package studio.tally.server.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunMessage;

/**
 * A WHIP publisher or WHEP player made of {@link RtcTestClient}: writes a Chromium-like offer (Opus
 * PT 111 SSRC {@link #AUDIO_SSRC}, H.264 PT 102 SSRC {@link #VIDEO_SSRC}), posts it (WHIP/WHEP or SRS's
 * JSON API), runs the check and DTLS, and keeps consent fresh with a check per second until closed.
 */
final class WhipTestPeer implements AutoCloseable {
  static final int AUDIO_SSRC = 0x11110001;
  static final int VIDEO_SSRC = 0x22220002;
  static final int AUDIO_PT = 111;
  static final int VIDEO_PT = 102;
  /** SPS of x264 320x240 baseline (Constrained Baseline, level 1.3). */
  static final byte[] SPS = HexFormat.of().parseHex("6742c00dd90141fb0110000003001000000303c0f142a480");
  static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration WAIT = Duration.ofSeconds(10);

  final RtcTestClient client;
  final String answer;
  final String location;
  final String sessionId;
  private final String username;
  private final String password;
  private final Thread consent;
  private volatile boolean checking = true;
  private int seq;

  /** How to send the offer. */
  enum Api { WHIP, SRS_JSON }

  private WhipTestPeer(RtcTestClient client, String answer, String location, String sessionId, String localUfrag) {
    this.client = client;
    this.answer = answer;
    this.location = location;
    this.sessionId = sessionId;
    this.username = attr(answer, "ice-ufrag") + ":" + localUfrag;
    this.password = attr(answer, "ice-pwd");
    this.consent = Thread.ofVirtual().name("whip-test-consent").unstarted(this::keepConsent);
  }

  /**
   * Publishes ({@code publish}) or plays {@code app/stream} on the server at {@code base} (HTTP)
   * with UDP to {@code udp}; connected (DTLS done) when this returns.
   *
   * @throws HttpFailure when the server refused the offer
   */
  static WhipTestPeer connect(String base, InetSocketAddress udp, Api api, boolean publish, String app, String stream,
      boolean audio, boolean video) throws Exception {
    String ufrag = "t" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
    String offer = offer(ufrag, "whip-test-password-0123456789", publish, audio, video);
    String answer;
    String location = null;
    String sessionId;
    if (api == Api.WHIP) {
      HttpResponse<String> r = post(base + "/rtc/v1/" + (publish ? "whip" : "whep") + "/?app=" + app + "&stream=" + stream,
          "application/sdp", offer);
      if (r.statusCode() != 201) {
        throw new HttpFailure(r.statusCode(), r.body());
      }
      answer = r.body();
      location = r.headers().firstValue("Location").orElseThrow();
      sessionId = r.headers().firstValue("Session-Id").orElse("");
    } else {
      var body = JSON.createObjectNode().put("api", base + "/rtc/v1/" + (publish ? "publish/" : "play/"))
          .put("tid", "1a2b3c4").put("streamurl", "webrtc://127.0.0.1/" + app + "/" + stream)
          .put("clientip", "").put("sdp", offer);
      HttpResponse<String> r = post(base + "/rtc/v1/" + (publish ? "publish/" : "play/"), "application/json",
          JSON.writeValueAsString(body));
      JsonNode j = JSON.readTree(r.body());
      if (r.statusCode() != 200 || j.path("code").asInt(-1) != 0) {
        throw new HttpFailure(r.statusCode(), r.body());
      }
      answer = j.path("sdp").asText();
      sessionId = j.path("sessionid").asText();
    }
    RtcTestClient c = RtcTestClient.udp(udp);
    WhipTestPeer p = new WhipTestPeer(c, answer, location, sessionId, ufrag);
    StunMessage response = c.check(p.username, p.password, true, WAIT);
    if (response == null || response.type().messageClass() != StunClass.SUCCESS_RESPONSE) {
      c.close();
      throw new AssertionError("no binding success for " + p.username + ": " + response);
    }
    c.handshake();
    p.consent.start();
    return p;
  }

  /** The server's answer to an offer it refused. */
  static final class HttpFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String body;

    HttpFailure(int status, String body) {
      super(status + " " + body);
      this.status = status;
      this.body = body;
    }
  }

  static HttpResponse<String> post(String url, String type, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String offer(String ufrag, String pwd, boolean publish, boolean audio, boolean video) throws Exception {
    String dir = publish ? "sendonly" : "recvonly";
    String fp = RtcTestClient.fingerprint().toSdpValue();
    StringBuilder mids = new StringBuilder();
    StringBuilder m = new StringBuilder();
    int mid = 0;
    if (audio) {
      mids.append(' ').append(mid);
      m.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n")
          .append(common(ufrag, pwd, fp, mid++, dir))
          .append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
      if (publish) {
        m.append("a=ssrc:").append(Integer.toUnsignedString(AUDIO_SSRC)).append(" cname:whiptest\r\n");
      }
    }
    if (video) {
      mids.append(' ').append(mid);
      m.append("m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\n")
          .append(common(ufrag, pwd, fp, mid++, dir))
          .append("a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n")
          .append("a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
      if (publish) {
        m.append("a=ssrc:").append(Integer.toUnsignedString(VIDEO_SSRC)).append(" cname:whiptest\r\n");
      }
    }
    return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE" + mids
        + "\r\na=msid-semantic: WMS\r\n" + m;
  }

  private static String common(String ufrag, String pwd, String fp, int mid, String dir) {
    return "a=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd + "\r\na=fingerprint:" + fp + "\r\na=setup:actpass\r\na=mid:"
        + mid + "\r\na=" + dir + "\r\na=rtcp-mux\r\n";
  }

  static String attr(String sdp, String name) {
    Matcher m = Pattern.compile("a=" + name + ":(\\S+)").matcher(sdp);
    if (!m.find()) {
      throw new AssertionError("answer without a=" + name + ":\n" + sdp);
    }
    return m.group(1);
  }

  /** A keyframe: SPS, PPS, then an IDR slice with the marker bit. */
  void sendKeyframe(long timestamp) {
    sendVideo(SPS, false, timestamp);
    sendVideo(PPS, false, timestamp);
    sendVideo(new byte[] {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x33, 0x21}, true, timestamp);
  }

  /** A P-frame slice in one packet. */
  void sendDelta(long timestamp) {
    sendVideo(new byte[] {0x41, (byte) 0x9a, 0x02, 0x03, 0x04}, true, timestamp);
  }

  void sendVideo(byte[] payload, boolean marker, long timestamp) {
    sendRtp(VIDEO_PT, VIDEO_SSRC, payload, marker, timestamp);
  }

  void sendAudio(long timestamp) {
    sendRtp(AUDIO_PT, AUDIO_SSRC, new byte[] {(byte) 0xfc, 1, 2, 3, 4, 5, 6, 7}, false, timestamp);
  }

  synchronized void sendRtp(int pt, int ssrc, byte[] payload, boolean marker, long timestamp) {
    var b = Unpooled.buffer().writeByte(0x80).writeByte((marker ? 0x80 : 0) | pt).writeShort(seq++ & 0xFFFF)
        .writeInt((int) timestamp).writeInt(ssrc).writeBytes(payload);
    client.sendRaw(client.protectRtp(ByteBufUtil.getBytes(b)));
  }

  /** The next RTP (not RTCP) packet from the server, decrypted, or null within {@code timeout}. */
  byte[] awaitRtp(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      byte[] p = client.awaitRtp(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (p != null && !RtcTransport.isRtcp(p[1])) {
        return p;
      }
    }
    return null;
  }

  /** Stops answering for consent: the server's consent timer will end the session. */
  void stopChecks() {
    checking = false;
  }

  private void keepConsent() {
    try {
      while (checking) {
        client.sendRaw(RtcTestClient.bindingRequest(username, password, false));
        Thread.sleep(1000); // the consent cadence of a real agent, not a wait for a condition
        client.stun.clear();
      }
    } catch (InterruptedException | RuntimeException e) {
      // closed
    }
  }

  @Override
  public void close() {
    checking = false;
    consent.interrupt();
    client.close();
  }
}
