package studio.tally.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import studio.tally.proto.sdp.Candidate;
import studio.tally.proto.sdp.MediaDescription;
import studio.tally.proto.sdp.SessionDescription;

/**
 * WHIP/WHEP for the bench peers: writes the offer a browser would (BUNDLE audio + video, rtcp-mux,
 * setup actpass, Opus 111 and H.264 42e01f packetization-mode 1 as 106), POSTs it, and reads the
 * answer's ICE credentials and UDP host candidate.
 */
final class RtcSignaling {
  static final int OPUS_PT = 111;
  static final int H264_PT = 106;

  /** What a peer needs from the answer, and where to DELETE the session. */
  record Answer(String iceUfrag, String icePwd, InetSocketAddress udp, String location) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  RtcSignaling(String host, int port) {
    this.base = "http://" + host + ":" + port;
  }

  /**
   * @param publish sendonly with the given SSRCs (WHIP), else recvonly (WHEP)
   */
  static String offer(boolean publish, String ufrag, String pwd, String fingerprint, int audioSsrc, int videoSsrc) {
    String direction = publish ? "sendonly" : "recvonly";
    StringBuilder b = new StringBuilder();
    b.append("v=0\r\no=- ").append(Integer.toUnsignedString(ufrag.hashCode())).append(" 2 IN IP4 127.0.0.1\r\n")
        .append("s=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=msid-semantic: WMS bench\r\n");
    String common = "c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:" + ufrag + "\r\na=ice-pwd:" + pwd
        + "\r\na=fingerprint:sha-256 " + fingerprint + "\r\na=setup:actpass\r\n";
    b.append("m=audio 9 UDP/TLS/RTP/SAVPF ").append(OPUS_PT).append("\r\n").append(common)
        .append("a=mid:0\r\na=").append(direction).append("\r\na=rtcp-mux\r\n")
        .append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
    if (publish) {
      b.append("a=msid:bench audio\r\na=ssrc:").append(Integer.toUnsignedString(audioSsrc)).append(" cname:bench\r\n");
    }
    b.append("m=video 9 UDP/TLS/RTP/SAVPF ").append(H264_PT).append("\r\n").append(common)
        .append("a=mid:1\r\na=").append(direction).append("\r\na=rtcp-mux\r\na=rtcp-rsize\r\n")
        .append("a=rtpmap:106 H264/90000\r\na=rtcp-fb:106 nack pli\r\n")
        .append("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
    if (publish) {
      b.append("a=msid:bench video\r\na=ssrc:").append(Integer.toUnsignedString(videoSsrc)).append(" cname:bench\r\n");
    }
    return b.toString();
  }

  /** POSTs an offer to {@code path} (e.g. {@code /rtc/v1/whep/?app=live&stream=s}); 201 or an exception. */
  Answer post(String path, String offer) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/sdp")
        .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body().strip());
    }
    SessionDescription answer = SessionDescription.parse(r.body());
    MediaDescription m = answer.media().getFirst();
    String ufrag = m.iceUfrag().orElseThrow(() -> new IOException("answer has no a=ice-ufrag"));
    String pwd = m.icePwd().orElseThrow(() -> new IOException("answer has no a=ice-pwd"));
    Optional<Candidate> udp = answer.media().stream().flatMap(x -> x.candidates().stream()).filter(Candidate::isUdp)
        .findFirst();
    Candidate c = udp.orElseThrow(() -> new IOException("answer has no UDP candidate"));
    String location = r.headers().firstValue("Location").orElseThrow(() -> new IOException("201 without Location"));
    return new Answer(ufrag, pwd, new InetSocketAddress(c.address(), c.port()), location);
  }

  /** Ends a session (WHIP/WHEP DELETE); returns the HTTP status. */
  int delete(String location) throws IOException, InterruptedException {
    URI uri = location.startsWith("http") ? URI.create(location) : URI.create(base + location);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
