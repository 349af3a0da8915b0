package studio.tally.proto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** Loads checked-in test vectors: binary resources, and .hex files whose '#' lines are comments. */
public final class TestVectors {
  private TestVectors() {}

  public static byte[] bytes(Class<?> near, String name) {
    try (InputStream in = near.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name + " next to " + near.getName());
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] hex(Class<?> near, String name) {
    String text = new String(bytes(near, name), StandardCharsets.US_ASCII);
    return hex(text.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining()));
  }

  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
  }
}
