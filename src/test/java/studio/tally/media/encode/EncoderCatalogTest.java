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

  /**
   * SVT-AV1 opened as root turns its calling thread into SCHED_FIFO 99; everything that thread later
   * starts inherits it (a hung, real-time child JVM starved this machine once). Probing must leave
   * no thread of ours with a real-time policy.
   */
  @Test
  void probingLeavesNoThreadWithARealTimePolicy() throws Exception {
    // only threads that became real-time during the probe count: libwebrtc (webrtc-java, used by other
    // tests in this JVM) runs its own audio/worker threads with SCHED_FIFO when started as root
    java.util.Set<String> before = realTimeThreads();
    EncoderCatalog.probe();
    java.util.Set<String> after = realTimeThreads();
    after.removeAll(before);
    assertThat(after).as("threads that became SCHED_FIFO/SCHED_RR while probing").isEmpty();
  }

  /** "tid name policy N" of every thread of this process with a real-time policy. */
  private static java.util.Set<String> realTimeThreads() throws java.io.IOException {
    java.util.Set<String> realTime = new java.util.TreeSet<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
        String stat;
        try {
          stat = java.nio.file.Files.readString(task.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue; // the thread ended meanwhile
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        int policy = Integer.parseInt(f[38]); // field 41 of stat: policy (0 = SCHED_OTHER)
        if (policy == 1 || policy == 2) {
          realTime.add(task.getFileName() + " " + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
              + " policy " + policy);
        }
      }
    }
    return realTime;
  }

}
