package studio.tally.rtc;

import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import java.util.List;

/** STUN/TURN servers for a call's peer connection, from URLs a user can type. */
final class IceServers {
  private IceServers() {}

  static RTCConfiguration configuration(List<String> urls) {
    RTCConfiguration c = RtcFactory.configuration();
    urls.forEach(url -> c.iceServers.add(parse(url)));
    return c;
  }

  /** {@code stun:host:port}, {@code turn:host:port?transport=udp}, credentials as {@code turn:user:pass@host:port}. */
  static RTCIceServer parse(String url) {
    int colon = url.indexOf(':');
    String scheme = colon < 0 ? "" : url.substring(0, colon);
    if (!List.of("stun", "stuns", "turn", "turns").contains(scheme) || url.length() == colon + 1) {
      throw new IllegalArgumentException("ICE server '" + url + "' must be stun:HOST:PORT, turn:USER:PASS@HOST:PORT (or stuns:, turns:)");
    }
    String rest = url.substring(colon + 1);
    RTCIceServer s = new RTCIceServer();
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String user = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int c = user.indexOf(':');
      s.username = c < 0 ? user : user.substring(0, c);
      s.password = c < 0 ? "" : user.substring(c + 1);
    }
    s.urls = List.of(scheme + ":" + rest);
    return s;
  }
}
