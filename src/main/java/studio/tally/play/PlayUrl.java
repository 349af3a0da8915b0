package studio.tally.play;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import studio.tally.output.RtmpUrl;

/**
 * What a player URL names: an HTTP(S)-FLV stream ({@code http(s)://host[:port]/path.flv[?query]}),
 * an RTMP(S) stream ({@code rtmp(s)://host[:port]/app/stream}), a WHEP endpoint (any other
 * {@code http(s)://} URL: it must answer an SDP offer) or an SRS-style {@code webrtc://host[:port]/app/stream}
 * (played through the JSON API {@code /rtc/v1/play/}).
 */
public sealed interface PlayUrl {

  /** The URL as given (for reports; an RTMP stream key in it is the user's own). */
  String text();

  record Flv(String text, boolean tls, String host, int port, String pathAndQuery) implements PlayUrl {}

  record Rtmp(String text, RtmpUrl url) implements PlayUrl {}

  /** A WHEP endpoint: POST an offer, 201 + answer + Location. */
  record Whep(String text, URI endpoint) implements PlayUrl {}

  /** {@code webrtc://host[:port]/app/stream[?k=v]}; api is the {@code /rtc/v1/play/} URL it maps to. */
  record WebRtc(String text, URI api) implements PlayUrl {}

  /**
   * @throws IllegalArgumentException with the expected shapes when url is neither
   */
  static PlayUrl parse(String url) {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("empty URL");
    String text = url.strip();
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("rtmp://") || lower.startsWith("rtmps://")) {
      return new Rtmp(text, RtmpUrl.parse(text));
    }
    if (lower.startsWith("webrtc://")) {
      return new WebRtc(text, studio.tally.rtc.SrsApiExchange.apiUrl(text, true));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a valid URL: " + e.getMessage());
      }
      if (uri.getHost() == null) throw new IllegalArgumentException("missing host in " + text);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      if (!path.toLowerCase(Locale.ROOT).endsWith(".flv")) {
        return new Whep(text, uri); // not .flv: a WHEP endpoint (the POST tells whether it is one)
      }
      boolean tls = lower.startsWith("https://");
      int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
      return new Flv(text, tls, host, port, path + query);
    }
    throw new IllegalArgumentException("unsupported URL " + text
        + "; expected http(s)://host/app/stream.flv, rtmp(s)://host/app/stream, a WHEP endpoint http(s)://…"
        + " or webrtc://host[:port]/app/stream");
  }
}
