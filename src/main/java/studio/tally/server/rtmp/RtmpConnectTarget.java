package studio.tally.server.rtmp;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import studio.tally.proto.amf.AmfEcmaArray;

/**
 * What an RTMP {@code connect} names, as the clients in the wild send it: the app, a default stream
 * name, the token, tcUrl and pageUrl. Pure; the session applies it.
 *
 * <ul>
 *   <li>OBS, FFmpeg, librtmp, RootEncoder and Larix send {@code app} and {@code tcUrl}
 *       ({@code rtmp://host[:port]/app[?query]}); the app wins.
 *   <li>Some clients send only {@code tcUrl}: the app is its first path segment, as SRS does.
 *   <li>A URL such as {@code rtmp://host/live/cam} may arrive as app {@code live/cam} (or as a tcUrl
 *       with both): the app is the first segment and the last is the stream name used when
 *       {@code publish}/{@code play} names none (or names the same one).
 *   <li>The command object may be an AMF0 object or an ECMA array.
 *   <li>The token: {@code ?token=} on the app, else on the tcUrl (the publish name's own query wins
 *       later).
 * </ul>
 *
 * @param app the application (may be empty or invalid: the session refuses it)
 * @param defaultStream the stream name the URL carried, or empty
 */
record RtmpConnectTarget(String app, String defaultStream, String token, String tcUrl, String pageUrl) {

  static RtmpConnectTarget of(Object commandObject) {
    Map<?, ?> obj = switch (commandObject) {
      case Map<?, ?> m -> m;
      case AmfEcmaArray a -> a.entries();
      case null, default -> Map.of();
    };
    String rawApp = obj.get("app") instanceof String a ? a : "";
    String tcUrl = obj.get("tcUrl") instanceof String t ? t : "";
    String pageUrl = obj.get("pageUrl") instanceof String s ? s : "";
    QueryStringDecoder appQuery = new QueryStringDecoder(rawApp, true);
    List<String> segments = segments(appQuery.path());
    String token = first(appQuery.parameters().get("token"));
    String tcQuery = tcUrl.contains("?") ? tcUrl.substring(tcUrl.indexOf('?')) : "";
    if (token.isEmpty() && !tcQuery.isEmpty()) {
      token = first(new QueryStringDecoder(tcQuery).parameters().get("token"));
    }
    if (segments.isEmpty()) {
      segments = segments(tcUrlPath(tcUrl));
    }
    String app = segments.isEmpty() ? "" : segments.getFirst();
    String stream = segments.size() >= 2 ? segments.getLast() : "";
    if (segments.size() > 2) {
      app = String.join("/", segments.subList(0, segments.size() - 1)); // refused later, named in the error
    }
    return new RtmpConnectTarget(app, stream, token, tcUrl, pageUrl);
  }

  /** The path of {@code rtmp[s|t|e]://host[:port]/path?query}, or "" when it is not such a URL. */
  static String tcUrlPath(String tcUrl) {
    int scheme = tcUrl.indexOf("://");
    if (scheme < 0) {
      return "";
    }
    int slash = tcUrl.indexOf('/', scheme + 3);
    if (slash < 0) {
      return "";
    }
    int q = tcUrl.indexOf('?', slash);
    return tcUrl.substring(slash + 1, q < 0 ? tcUrl.length() : q);
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? "" : values.getFirst();
  }
}
