package studio.tally.server.hub;

import java.util.regex.Pattern;

/** A live stream's address, {@code app/name}, as in rtmp://host/app/name and /app/name.flv. */
public record StreamKey(String app, String name) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.~-]{0,127}");

  public StreamKey {
    if (!isValidSegment(app)) {
      throw new IllegalArgumentException("bad app name '" + app + "' (letters, digits, _ . ~ -)");
    }
    if (!isValidSegment(name)) {
      throw new IllegalArgumentException("bad stream name '" + name + "' (letters, digits, _ . ~ -)");
    }
  }

  public static boolean isValidSegment(String s) {
    return s != null && SEGMENT.matcher(s).matches() && !s.contains("..");
  }

  @Override
  public String toString() {
    return app + "/" + name;
  }
}
