package studio.tally.media.transcode;

import static studio.tally.testing.Stats.max;
import static studio.tally.testing.Stats.median;
import static studio.tally.testing.Stats.min;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import studio.tally.server.bridge.AudioCodecId;
import studio.tally.server.bridge.AudioFormat;
import studio.tally.server.bridge.AudioTranscoder;
import studio.tally.server.bridge.AudioUnit;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.PeerFiles;

/**
 * CPU of one bridged stream's audio (bench/transcode-cost.sh): N seconds of a 1 kHz stereo tone as
 * 64 kbps Opus through {@link FfmpegAudioTranscoders} to AAC 48 kHz stereo 128 kbps, thread CPU time
 * over media time, against the ffmpeg CLI doing the same conversion of the same tone side by side
 * (its user + sys time). Median of 5 runs each, min-max beside it. Prints a markdown table.
 */
public final class TranscodeCostBench {
  private TranscodeCostBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    var opus = ToneUnits.encode("libopus", 48_000, 2, 1000, 0.3, seconds, 0);
    Path ogg = PeerFiles.newDir("transcode-bench").resolve("tone.ogg");
    Ffmpeg.bundled().start(List.of("-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-t",
        Integer.toString(seconds), "-ac", "2", "-c:a", "libopus", "-b:a", "64k", ogg.toString()))
        .waitForSuccess(Duration.ofSeconds(120));
    var factory = new FfmpegAudioTranscoders();
    var bean = ManagementFactory.getThreadMXBean();
    List<Double> ours = new ArrayList<>();
    List<Double> peer = new ArrayList<>();
    for (int run = 0; run < 6; run++) {
      long cpu0 = bean.getCurrentThreadCpuTime();
      try (AudioTranscoder t = factory.open(AudioFormat.opus(), new AudioFormat(AudioCodecId.AAC, 48_000, 2, null))) {
        for (AudioUnit u : opus.units()) t.transcode(u);
      }
      double share = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9 / seconds * 100;
      double peerShare = Ffmpeg.bundled().cpuPercent("-i " + ogg + " -c:a aac -b:a 128k -f null -", seconds);
      if (run > 0) { // the first run warms up the JIT and loads the natives
        ours.add(share);
        peer.add(peerShare);
      }
    }
    System.out.printf(Locale.ROOT, "%s, %d cores, `bash bench/transcode-cost.sh %d`%n%n", LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), seconds);
    System.out.println("| Opus 64 kbps -> AAC 48 kHz stereo 128 kbps | % of one core (median of 5) | min-max |");
    System.out.println("|---|---|---|");
    System.out.printf(Locale.ROOT, "| FfmpegAudioTranscoders (in-process) | %.2f | %.2f-%.2f |%n", median(ours), min(ours), max(ours));
    System.out.printf(Locale.ROOT, "| ffmpeg 8.1 CLI (ogg in, null out) | %.2f | %.2f-%.2f |%n", median(peer), min(peer), max(peer));
    System.out.printf(Locale.ROOT, "%nratio ours / ffmpeg: %.2f%n", median(ours) / median(peer));
  }




}
