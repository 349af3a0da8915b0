package studio.tally.media.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import studio.tally.media.EncodedPacket;
import studio.tally.media.session.MediaSession;
import studio.tally.media.PacketSink;
import studio.tally.media.SessionClock;
import studio.tally.media.StreamFormat;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;
import studio.tally.testing.BenchDoc;
import studio.tally.testing.Ffmpeg;

/**
 * Throughput of our pipeline (1920x1080 30 fps test pattern + 480x270 PiP test pattern + tone →
 * scene → libx264 veryfast 4500 kbps + aac, virtual clock, packets discarded) against the bundled
 * ffmpeg CLI running the same sources, filter graph and encoder settings into {@code -f null},
 * alternating, runs of N frames. Prints a Markdown section; with an argument, appends it to that file.
 *
 * <p>Run: {@code bash bench/media-throughput.sh [runs] [frames]}
 */
public final class MediaThroughputBenchmark {
  record Run(double fps, double cpuMsPerFrame) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int frames = args.length > 1 ? Integer.parseInt(args[1]) : 450;
    Path out = args.length > 2 ? Path.of(args[2]) : null;
    var format = new VideoFormat(1920, 1080, 30);
    ours(format, 60, false); // warm-up: natives, JIT
    List<Run> ourRuns = new ArrayList<>();
    List<Run> stampedRuns = new ArrayList<>();
    List<Run> cliRuns = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ourRuns.add(ours(format, frames, false));
      cliRuns.add(cli(format, frames));
      stampedRuns.add(ours(format, frames, true));
      System.err.printf(Locale.ROOT, "run %d: tally %.1f fps %.2f cpu-ms/frame | ffmpeg %.1f fps %.2f cpu-ms/frame"
          + " | tally with block code %.1f fps %.2f cpu-ms/frame%n", i + 1, ourRuns.get(i).fps(), ourRuns.get(i).cpuMsPerFrame(),
          cliRuns.get(i).fps(), cliRuns.get(i).cpuMsPerFrame(), stampedRuns.get(i).fps(), stampedRuns.get(i).cpuMsPerFrame());
    }
    var report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "## Media pipeline throughput (%s)%n%n", LocalDate.now()));
    report.append(String.format(Locale.ROOT, "Machine: %d cores, %.1f GiB; %s. Command: `bash bench/media-throughput.sh %d %d`.%n",
        Runtime.getRuntime().availableProcessors(), totalMemoryGiB(), cpuModel(), runs, frames));
    report.append("Workload: testsrc2 1920x1080@30 + drawtext, PiP testsrc2 480x270 + drawtext, tone → scale/overlay/fps/format=yuv420p → "
        + "libx264 veryfast zerolatency CBR 4500 kbps, 2 s GOP, no B-frames + aac 128 kbps; ")
        .append(frames).append(" frames per run, the three cases in turn in every run, median (min–max) of ").append(runs).append(".\n\n");
    report.append("| pipeline | fps | CPU ms per frame |\n|---|---|---|\n");
    report.append(row("Tally MediaSession (raw FFmpeg API, native frames), the same picture as the CLI", ourRuns));
    report.append(row("ffmpeg 8.1 CLI, same graph and encoder, `-f null -`", cliRuns));
    report.append(row("Tally MediaSession, its test pattern with the block code band (not in the CLI's picture)", stampedRuns));
    double ratio = median(ourRuns.stream().mapToDouble(Run::fps).toArray()) / median(cliRuns.stream().mapToDouble(Run::fps).toArray());
    double[] ratios = new double[runs];
    for (int i = 0; i < runs; i++) ratios[i] = ourRuns.get(i).fps() / cliRuns.get(i).fps();
    report.append(String.format(Locale.ROOT, "%nThroughput ratio Tally/ffmpeg: %.3f (per-run pairs: median %.3f, %.3f–%.3f).%n", ratio,
        median(ratios), Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0)));
    double[] cpuRatios = new double[runs];
    for (int i = 0; i < runs; i++) cpuRatios[i] = ourRuns.get(i).cpuMsPerFrame() / cliRuns.get(i).cpuMsPerFrame();
    report.append(String.format(Locale.ROOT, "CPU per frame Tally/ffmpeg (less is better; steadier than fps on a shared machine): "
        + "per-run pairs median %.3f, %.3f–%.3f.%n", median(cpuRatios), Arrays.stream(cpuRatios).min().orElse(0),
        Arrays.stream(cpuRatios).max().orElse(0)));
    double stampedCost = median(stampedRuns.stream().mapToDouble(Run::cpuMsPerFrame).toArray())
        - median(ourRuns.stream().mapToDouble(Run::cpuMsPerFrame).toArray());
    report.append(String.format(Locale.ROOT, "The block code band (frame number and capture time for latency readers) costs %+.2f CPU ms per "
        + "frame (medians), almost all of it in the encoder.%n", stampedCost));
    System.out.print(report);
    if (out != null) BenchDoc.replaceSection(out, BEGIN + "\n" + report.toString().strip() + "\n" + END + "\n", BEGIN, END);
  }

  static final String BEGIN = "<!-- BEGIN media: generated by bench/media-throughput.sh; re-run it to refresh -->";
  static final String END = "<!-- END media -->";

  private static String row(String name, List<Run> runs) {
    double[] fps = runs.stream().mapToDouble(Run::fps).toArray();
    double[] cpu = runs.stream().mapToDouble(Run::cpuMsPerFrame).toArray();
    return String.format(Locale.ROOT, "| %s | %.1f (%.1f–%.1f) | %.2f (%.2f–%.2f) |%n", name, median(fps), min(fps), max(fps),
        median(cpu), min(cpu), max(cpu));
  }

  /** @param blockCode the studio's test pattern as it is (with its block band), else the CLI's picture exactly */
  static Run ours(VideoFormat format, int frames, boolean blockCode) throws Exception {
    var clock = SessionClock.virtual(Clock.systemUTC());
    var pip = new VideoFormat(480, 270, format.fps());
    var config = new MediaSession.Config(format,
        List.of(new VideoInput(blockCode ? new TestPattern("screen", format, clock) : TestPattern.plain("screen", format, clock), Layer.FULL),
            new VideoInput(blockCode ? new TestPattern("camera", pip, clock) : TestPattern.plain("camera", pip, clock),
                Layer.bottomRight(0.25, 0.02))),
        List.of(new AudioInput(new TestTone(clock))),
        EncoderSettings.of("libx264", 4500).withPreset("veryfast"), 128, frames);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    var session = MediaSession.start(clock, config, new PacketSink() {
      @Override
      public void onFormat(StreamFormat f) {}

      @Override
      public void onPacket(EncodedPacket p) {}

      @Override
      public void close() {}
    });
    if (!session.awaitEnd(10, TimeUnit.MINUTES)) throw new IllegalStateException("benchmark session did not end");
    double seconds = (System.nanoTime() - t0) / 1e9;
    long cpu = os.getProcessCpuTime() - cpu0;
    session.close();
    if (session.failure() != null) throw new IllegalStateException(session.failure());
    return new Run(frames / seconds, cpu / 1e6 / frames);
  }

  static Run cli(VideoFormat format, int frames) throws Exception {
    String font = TestPattern.FONT.toString();
    String text = "drawtext=fontfile=" + font + ":text='%%{pts\\:hms\\:0} UTC  #%%{frame_num}':x=%d:y=%d:fontsize=%d:fontcolor=white:box=1:boxcolor=black@0.7:boxborderw=%d";
    String main = String.format(Locale.ROOT, "testsrc2=s=1920x1080:r=30,format=yuv420p," + text + "[s0];", 33, 180 + 33, 67, 13);
    String pip = String.format(Locale.ROOT, "testsrc2=s=480x270:r=30,format=yuv420p," + text + "[s1];", 8, 42 + 8, 16, 3);
    String graph = main + pip + "[s0]scale=1920:1080,format=yuv420p[l0];[s1]scale=480:270,format=yuv420p[l1];"
        + "[l0][l1]overlay=x=1402:y=788:eof_action=repeat:format=yuv420[m1];[m1]fps=fps=30/1,format=yuv420p[v];"
        + "sine=f=1000:r=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,volume=0dB:precision=float[a]";
    var cmd = List.of(Ffmpeg.bundled().executable().toString(), "-hide_banner", "-nostats", "-benchmark", "-filter_complex", graph,
        "-map", "[v]", "-map", "[a]", "-frames:v", Integer.toString(frames),
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-nal-hrd", "cbr", "-b:v", "4500k", "-maxrate", "4500k",
        "-bufsize", "4500k", "-g", "60", "-bf", "0", "-c:a", "aac", "-b:a", "128k", "-shortest", "-f", "null", "-");
    var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("ffmpeg failed:\n" + log);
    var m = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s rtime=([0-9.]+)s").matcher(log);
    if (!m.find()) throw new IllegalStateException("no -benchmark line:\n" + log);
    double cpu = Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
    double real = Double.parseDouble(m.group(3));
    return new Run(frames / real, cpu * 1000 / frames);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  private static double totalMemoryGiB() {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }
}
