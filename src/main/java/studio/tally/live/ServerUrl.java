package studio.tally.live;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One way to reach a stream of the embedded server, to copy into another tool.
 *
 * @param protocol "RTMP", "RTMPS", "HTTP-FLV", "WHIP", "WHEP", "WebRTC (SRS)", "Signaling"
 * @param url the URL
 * @param use what it is for, in a few words
 */
public record ServerUrl(String protocol, String url, String use) {

  /**
   * Every protocol's URL of {@code app/stream}: RTMP(S) on {@code rtmpListen}, the HTTP family on
   * {@code httpListen} (one port serves all of them; TLS is told apart by its first bytes, so RTMPS,
   * HTTPS and WSS share the plain port).
   */
  public static List<ServerUrl> of(String rtmpListen, String httpListen, String app, String stream) {
    String q = "?app=" + enc(app) + "&stream=" + enc(stream);
    return List.of(
        new ServerUrl("RTMP", "rtmp://" + rtmpListen + "/" + app + "/" + stream, "publish (OBS, FFmpeg) or play"),
        new ServerUrl("RTMPS", "rtmps://" + rtmpListen + "/" + app + "/" + stream, "the same over TLS (pin the fingerprint)"),
        new ServerUrl("HTTP-FLV", "http://" + httpListen + "/" + app + "/" + stream + ".flv", "play (ffplay, VLC, flv.js)"),
        new ServerUrl("WHIP", "http://" + httpListen + "/rtc/v1/whip/" + q, "publish over WebRTC (OBS 30+, browsers)"),
        new ServerUrl("WHEP", "http://" + httpListen + "/rtc/v1/whep/" + q, "play over WebRTC"),
        new ServerUrl("WebRTC (SRS)", "webrtc://" + httpListen + "/" + app + "/" + stream, "SRS players and publishers"),
        new ServerUrl("Signaling", "ws://" + httpListen + "/sig/v1/rtc", "calls (SRS one-to-one signaling; ?room=R&display=D)"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
