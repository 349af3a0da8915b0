package studio.tally.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The generated sections of docs/benchmarks.md: text between a BEGIN and an END marker line. */
public final class BenchDoc {
  private BenchDoc() {}

  /**
   * Puts {@code section} (which starts with {@code begin} and ends with {@code end} and a newline) in place of
   * the marked section of {@code doc}, or appends it after a blank line when the doc has none yet.
   */
  public static void replaceSection(Path doc, String section, String begin, String end) throws IOException {
    String text = Files.readString(doc);
    int a = text.indexOf(begin);
    int z = text.indexOf(end);
    String updated = a >= 0 && z > a
        ? text.substring(0, a) + section + text.substring(z + end.length() + (text.startsWith("\n", z + end.length()) ? 1 : 0))
        : text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
    Files.writeString(doc, updated);
  }
}
