package studio.tally.media.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import studio.tally.media.MediaException;

/** Probes every candidate on this machine (no GPU): each gets a verdict, libx264 works, hardware says why not. */
class EncoderCatalogTest {

  @Test
  void everyCandidateHasAVerdictAndLibx264IsUsable() {
    var probes = EncoderCatalog.probe();
    probes.forEach(p -> System.out.println(p));
    assertThat(probes).hasSameSizeAs(EncoderCatalog.CANDIDATES);
    assertThat(probes).allSatisfy(p -> assertThat(p.usable() || (p.reason() != null && !p.reason().isBlank())).isTrue());
    assertThat(probes).filteredOn(p -> p.name().equals("libx264")).singleElement()
        .satisfies(p -> assertThat(p.usable()).as(p.toString()).isTrue());
    // no GPU here: nvenc explains itself the way FFmpeg does
    assertThat(probes).filteredOn(p -> p.name().equals("h264_nvenc")).singleElement()
        .satisfies(p -> assertThat(p.reason()).containsIgnoringCase("cuda"));
    assertThat(probes).filteredOn(p -> p.name().equals("h264_videotoolbox")).singleElement()
        .satisfies(p -> assertThat(p.reason()).contains("not in this FFmpeg build"));
    assertThat(EncoderCatalog.select(EncoderSettings.of("auto", 1000)).name()).isEqualTo("libx264");
  }

  @Test
  void unknownEncoderNamesTheAvailableOnes() {
    assertThatThrownBy(() -> EncoderCatalog.select(EncoderSettings.of("x265-turbo", 1000)))
        .isInstanceOf(MediaException.class)
        .hasMessageContaining("unknown encoder 'x265-turbo': available: ")
        .hasMessageContaining("libx264");
  }

  @Test
  void unusableEncoderGivesFfmpegsReason() {
    assertThatThrownBy(() -> EncoderCatalog.select(EncoderSettings.of("h264_vaapi", 1000)))
        .isInstanceOf(MediaException.class)
        .hasMessageContaining("not usable here");
  }
}
