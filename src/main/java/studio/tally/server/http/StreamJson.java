package studio.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.MediaInfo;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sfu.RtpSource;
import studio.tally.server.webrtc.sfu.RtcStream;
import studio.tally.server.webrtc.sfu.RtcStreamRegistry;

/** SRS's JSON shapes for a stream and a client. */
final class StreamJson {
  static final String VHOST = "__defaultVhost__";

  private StreamJson() {}

  static ObjectNode stream(LiveStream s, StreamHub hub, long nowNanos) {
    ObjectNode o = HttpResponses.JSON.createObjectNode();
    Client publisher = s.publisher();
    o.put("id", s.id()).put("name", s.key().name()).put("vhost", VHOST).put("app", s.key().app())
        .put("tcUrl", publisher == null ? "" : publisher.tcUrl())
        .put("url", "/" + s.key().app() + "/" + s.key().name())
        .put("live_ms", System.currentTimeMillis())
        .put("clients", s.playerCount() + (publisher == null ? 0 : 1))
        .put("frames", s.counters().frames.sum())
        .put("send_bytes", s.counters().sendBytes.sum())
        .put("recv_bytes", s.counters().recvBytes.sum());
    o.putObject("kbps").put("recv_30s", s.recvRate().kbps(nowNanos)).put("send_30s", s.sendRate().kbps(nowNanos));
    o.putObject("publish").put("active", publisher != null).put("cid", publisher == null ? "" : publisher.id());
    MediaInfo info = MediaInfo.of(s);
    if (info.video() == null) {
      o.putNull("video");
    } else {
      var v = info.video();
      ObjectNode video = o.putObject("video").put("codec", v.codec()).put("profile", orEmpty(v.profile()))
          .put("level", orEmpty(v.level()));
      video.put("width", v.width()).put("height", v.height());
      video.put("b_frames", s.hasBFrames()); // reordered frames: WebRTC players get them in decode order
    }
    if (info.audio() == null) {
      o.putNull("audio");
    } else {
      var a = info.audio();
      o.putObject("audio").put("codec", a.codec()).put("sample_rate", a.sampleRate()).put("channel", a.channels())
          .put("profile", orEmpty(a.profile()));
    }
    o.put("players", s.playerCount())
        .put("dropped_tags", s.counters().droppedTags.sum())
        .put("slow_players_cut", s.counters().slowPlayersCut.sum())
        .put("publisher_takeovers", s.counters().publisherTakeovers.sum());
    return o;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * A WHIP stream in the same shape: codecs from the publisher's negotiation, H.264 profile, level and
   * size from the last SPS seen (empty/0 until a keyframe passed), Opus as negotiated.
   */
  static ObjectNode rtcStream(RtcStream s, StreamHub hub, long nowNanos) {
    ObjectNode o = HttpResponses.JSON.createObjectNode();
    Client publisher = hub.clients().stream()
        .filter(c -> c.type() == Client.Type.RTC_PUBLISH && c.stream().equals(s.key())).findFirst().orElse(null);
    RtpSource session = s.source();
    var stats = s.stats();
    o.put("id", s.id()).put("name", s.key().name()).put("vhost", VHOST).put("app", s.key().app())
        .put("tcUrl", publisher == null ? "" : publisher.tcUrl())
        .put("url", "/" + s.key().app() + "/" + s.key().name())
        .put("live_ms", System.currentTimeMillis())
        .put("clients", s.subscribers().size() + (session == null ? 0 : 1))
        .put("frames", stats.frames.sum())
        .put("send_bytes", stats.sendBytes.sum())
        .put("recv_bytes", stats.recvBytes.sum());
    o.putObject("kbps").put("recv_30s", stats.recvRate.kbps(nowNanos)).put("send_30s", stats.sendRate.kbps(nowNanos));
    o.putObject("publish").put("active", session != null).put("cid", publisher == null ? "" : publisher.id());
    o.put("source", session == null ? "" : session.origin());
    if (session != null && !session.counters().isEmpty()) {
      o.set("bridge", HttpResponses.JSON.valueToTree(session.counters()));
    }
    Negotiated.Media video = session == null ? null : session.media(Negotiated.Kind.VIDEO).orElse(null);
    if (video == null) {
      o.putNull("video");
    } else {
      var sps = stats.sps();
      ObjectNode v = o.putObject("video").put("codec", video.codec().name().toUpperCase(Locale.ROOT))
          .put("profile", sps == null ? "" : sps.profileName()).put("level", sps == null ? "" : sps.levelName());
      v.put("width", sps == null ? 0 : sps.width()).put("height", sps == null ? 0 : sps.height());
    }
    Negotiated.Media audio = session == null ? null : session.media(Negotiated.Kind.AUDIO).orElse(null);
    if (audio == null) {
      o.putNull("audio");
    } else {
      String name = audio.codec().name();
      o.putObject("audio").put("codec", name.equalsIgnoreCase("opus") ? "Opus" : name)
          .put("sample_rate", audio.codec().clockRate()).put("channel", Math.max(1, audio.codec().channels()))
          .put("profile", "");
    }
    o.put("players", s.subscribers().size()).put("rtc_unknown_ssrc", stats.unknownSsrc.sum());
    return o;
  }

  static ObjectNode client(Client c, StreamHub hub, RtcStreamRegistry rtc, long nowNanos) {
    ObjectNode o = HttpResponses.JSON.createObjectNode();
    boolean webrtc = c.type() == Client.Type.RTC_PUBLISH || c.type() == Client.Type.RTC_PLAY;
    String streamId = webrtc
        ? (rtc == null ? "" : rtc.stream(c.stream()).map(RtcStream::id).orElse(""))
        : hub.stream(c.stream()).map(LiveStream::id).orElse("");
    o.put("id", c.id()).put("vhost", VHOST).put("stream", streamId).put("ip", c.ip())
        .put("pageUrl", c.pageUrl()).put("tcUrl", c.tcUrl())
        .put("url", "/" + c.stream().app() + "/" + c.stream().name())
        .put("name", c.stream().name())
        .put("type", c.type().srsName)
        .put("publish", c.type().publish)
        .put("alive", Duration.between(c.connectedAt(), hub.clock().instant()).toMillis() / 1000.0)
        .put("send_bytes", c.sendBytes.sum())
        .put("recv_bytes", c.recvBytes.sum());
    o.putObject("kbps").put("recv_30s", c.recvRate.kbps(nowNanos)).put("send_30s", c.sendRate.kbps(nowNanos));
    return o;
  }
}
