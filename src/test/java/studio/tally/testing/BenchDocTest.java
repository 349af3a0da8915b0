package studio.tally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDocTest {
  @TempDir Path dir;

  @Test
  void aMarkedSectionIsReplacedInPlaceAndAMissingOneAppended() throws Exception {
    Path doc = Files.writeString(dir.resolve("b.md"), "# B\n\n<!-- B -->\nold\n<!-- E -->\n\n## After\n");
    BenchDoc.replaceSection(doc, "<!-- B -->\nnew\n<!-- E -->\n", "<!-- B -->", "<!-- E -->");
    assertThat(Files.readString(doc)).isEqualTo("# B\n\n<!-- B -->\nnew\n<!-- E -->\n\n## After\n");
    BenchDoc.replaceSection(doc, "<!-- X -->\nx\n<!-- Y -->\n", "<!-- X -->", "<!-- Y -->");
    assertThat(Files.readString(doc)).endsWith("## After\n\n<!-- X -->\nx\n<!-- Y -->\n");
  }
}
