package studio.tally.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.NginxRtmp;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.PeerReaper;
import studio.tally.testing.Processes;

/**
 * FLV fan-out benchmark (run with {@code ./mvnw -B -Pbench test}): one FFmpeg source published to
 * our server and to nginx-rtmp at once (tee muxer: one encode, same bytes to both), N light players
 * from this JVM, server CPU from /proc. Writes its figures into docs/benchmarks.md. Asserts nothing
 * about timings; it fails only if the setup does not work at all.
 *
 * <p>System properties: {@code bench.steps} (sweep, e.g. 100,250,500), {@code bench.n} (headline N),
 * {@code bench.runs}, {@code bench.window} and {@code bench.settle} (seconds), {@code bench.ttff}
 * (probes per case), {@code bench.serverJvmArgs} (extra flags for our server's JVM, e.g. JFR).
 *
 * <p>{@code -Dbench.mode=batching} measures adaptive merged writes instead: our server as it ships
 * (adaptive batch), a second one pinned to {@code bench.pinnedMergeWriteMs} (default 40, the former
 * fixed batch) and nginx-rtmp, all fed by the same encode, at each N of {@code bench.n} (a list,
 * e.g. 5,1000,2000), {@code bench.runs} times interleaved; it writes its own section of the doc.
 */
@ExtendWith(PeerReaper.class)
class FanoutBench {
  static final String APP = "live";
  static final String STREAM = "bench";

  final int[] steps = Arrays.stream(System.getProperty("bench.steps", "250,500,1000,2000,3000,4000").split(","))
      .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  final int[] headlineNs = Arrays.stream(System.getProperty("bench.n", "500").split(","))
      .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  final int headlineN = headlineNs[0];
  final boolean batchingMode = System.getProperty("bench.mode", "fanout").equals("batching");
  final long pinnedMs = Long.getLong("bench.pinnedMergeWriteMs", 40);
  final int runs = Integer.getInteger("bench.runs", 5);
  final double window = Double.parseDouble(System.getProperty("bench.window", "10"));
  final double settle = Double.parseDouble(System.getProperty("bench.settle", "3"));
  final int ttffProbes = Integer.getInteger("bench.ttff", 20);
  final int ttffBackground = Integer.getInteger("bench.ttffBackground", 500);

  PeerProcess ours;
  int ourPort;
  PeerProcess pinned;
  int pinnedPort;
  NginxRtmp nginx;
  FfmpegProcess source;
  LoadGen gen;
  final Map<String, Double> baseline = new LinkedHashMap<>();
  long benchStart;

  @Test
  void fanout() throws Exception {
    long t0 = System.nanoTime();
    benchStart = t0;
    BenchReport report = new BenchReport();
    report.command = "./mvnw -B -Pbench test" + System.getProperty("bench.extraArgs", "");
    nginx = NginxRtmp.start();
    ours = startOurs("tally-server");
    ourPort = startedPort;
    String pinnedOut = "";
    if (batchingMode) {
      pinned = startOurs("tally-pinned", Long.toString(pinnedMs));
      pinnedPort = startedPort;
      pinnedOut = "|[f=flv:onfail=ignore]rtmp://127.0.0.1:" + pinnedPort + "/" + APP + "/" + STREAM;
    }
    Ffmpeg ffmpeg = Ffmpeg.debian();
    source = ffmpeg.start(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", "3600", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", "30", "-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "1500k",
        "-c:a", "aac", "-b:a", "128k",
        "-f", "tee", "[f=flv:onfail=ignore]rtmp://127.0.0.1:" + ourPort + "/" + APP + "/" + STREAM
            + "|[f=flv:onfail=ignore]" + nginx.rtmpUrl(STREAM) + pinnedOut));
    report.machine = BenchReport.machine(ffmpeg.version(), source.command());
    gen = new LoadGen(2);
    report.transport = gen.transport;
    try {
      LoadGen.Target oursFlv = LoadGen.Target.flv("127.0.0.1", ourPort, APP, STREAM);
      LoadGen.Target oursRtmp = LoadGen.Target.rtmp("127.0.0.1", ourPort, APP, STREAM);
      LoadGen.Target nginxRtmp = LoadGen.Target.rtmp("127.0.0.1", nginx.rtmpPort(), APP, STREAM);
      awaitStream(oursFlv);
      awaitStream(nginxRtmp);
      awaitStream(oursRtmp);
      log("source is up on both servers; warming our JIT up");
      gen.add(oursFlv, 500, 200, 20_000);
      sleep(8);
      gen.closeAll();
      sleep(2);
      if (batchingMode) {
        batching(report, oursFlv, nginxRtmp);
        return;
      }

      baseline.put("tally", measure("tally", "(none)", ours.pid(), 0).serverCores());
      baseline.put("nginx-rtmp", measure("nginx-rtmp", "(none)", nginx.pid(), 0).serverCores());
      log("baselines (ingest only): " + baseline);

      record Case(String server, long pid, LoadGen.Target target) {}
      List<Case> cases = List.of(
          new Case("tally", ours.pid(), oursFlv),
          new Case("nginx-rtmp", nginx.pid(), nginxRtmp),
          new Case("tally", ours.pid(), oursRtmp));

      for (int r = 0; r < runs; r++) {
        List<Case> order = new ArrayList<>(cases);
        if (r % 2 == 1) {
          order = order.reversed();
        }
        for (Case c : order) {
          Sample s = fixedN(c.server(), c.pid(), c.target(), headlineN);
          report.headline.add(new BenchReport.Run(r + 1, s));
        }
      }

      for (Case c : cases) {
        report.sweeps.add(sweep(c.server(), c.pid(), c.target()));
      }

      report.ttff.add(ttff("tally", oursFlv, 0));
      report.ttff.add(ttff("nginx-rtmp", nginxRtmp, 0));
      report.ttff.add(ttff("tally", oursRtmp, 0));
      report.ttff.add(ttff("tally", oursFlv, ttffBackground));
      report.ttff.add(ttff("nginx-rtmp", nginxRtmp, ttffBackground));
    } finally {
      gen.close();
      source.stop();
      ours.stop();
      if (pinned != null) {
        pinned.stop();
      }
      nginx.close();
    }
    report.baseline.putAll(baseline);
    report.minutes = (System.nanoTime() - t0) / 60e9;
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve(System.getProperty("bench.doc", "docs/benchmarks.md"));
    report.writeInto(doc);
    log("wrote " + doc);
    assertThat(report.headline).isNotEmpty();
  }

  private int startedPort;

  /** Adaptive batching against the former fixed batch and nginx-rtmp, at each N, interleaved. */
  private void batching(BenchReport report, LoadGen.Target oursFlv, LoadGen.Target nginxRtmp) throws Exception {
    LoadGen.Target pinnedFlv = LoadGen.Target.flv("127.0.0.1", pinnedPort, APP, STREAM);
    awaitStream(pinnedFlv);
    gen.add(pinnedFlv, 500, 200, 20_000); // the same JIT warm-up as the adaptive server had
    sleep(8);
    gen.closeAll();
    sleep(2);
    String pinnedName = "tally " + pinnedMs + " ms";
    baseline.put("tally", measure("tally", "(none)", ours.pid(), 0).serverCores());
    baseline.put(pinnedName, measure(pinnedName, "(none)", pinned.pid(), 0).serverCores());
    baseline.put("nginx-rtmp", measure("nginx-rtmp", "(none)", nginx.pid(), 0).serverCores());
    record Case(String server, long pid, LoadGen.Target target) {}
    List<Case> cases = List.of(new Case("tally", ours.pid(), oursFlv), new Case(pinnedName, pinned.pid(), pinnedFlv),
        new Case("nginx-rtmp", nginx.pid(), nginxRtmp));
    for (int n : headlineNs) {
      for (int r = 0; r < runs; r++) {
        List<Case> order = r % 2 == 1 ? cases.reversed() : cases;
        for (Case c : order) {
          report.headline.add(new BenchReport.Run(r + 1, fixedN(c.server(), c.pid(), c.target(), n)));
        }
      }
    }
    report.baseline.putAll(baseline);
    report.minutes = (System.nanoTime() - benchStart) / 60e9;
    Path doc = Path.of(System.getProperty("basedir", ".")).resolve(System.getProperty("bench.doc", "docs/benchmarks.md"));
    report.writeBatchingInto(doc, pinnedName);
    log("wrote " + doc);
    assertThat(report.headline).isNotEmpty();
  }

  private PeerProcess startOurs(String name, String... serverArgs) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, "-Dtally.log=app",
        "--enable-native-access=ALL-UNNAMED"));
    String extra = System.getProperty("bench.serverJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(Arrays.asList(extra.split("\\s+")));
    }
    cmd.add(BenchServerMain.class.getName());
    cmd.add(PeerFiles.newDir(name).toString());
    cmd.addAll(List.of(serverArgs));
    PeerProcess p = PeerProcess.start(name, cmd);
    long deadline = System.nanoTime() + 30_000_000_000L;
    Pattern port = Pattern.compile("PORT (\\d+)");
    while (System.nanoTime() < deadline) {
      if (Files.exists(p.stdoutFile())) {
        Matcher m = port.matcher(Files.readString(p.stdoutFile()));
        if (m.find()) {
          startedPort = Integer.parseInt(m.group(1));
          return p;
        }
      }
      if (!p.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("our server did not start\n" + p.describe());
  }

  private void awaitStream(LoadGen.Target t) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<Channel> chs = new ArrayList<>();
      PlayerStats s = gen.open(t, chs);
      long until = System.nanoTime() + 3_000_000_000L;
      while (s.firstKeyframeNanos == 0 && !s.closed && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      chs.forEach(Channel::close);
      if (s.firstKeyframeNanos != 0) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(t.label() + " on port " + t.port() + ": no keyframe within 20 s\n" + source.describe());
  }

  /** Fresh players: connect N, settle, measure, disconnect. */
  private Sample fixedN(String server, long pid, LoadGen.Target t, int n) throws Exception {
    gen.add(t, n, 200, 30_000);
    sleep(settle);
    Sample s = measure(server, t.label(), pid, n);
    gen.closeAll();
    sleep(3);
    return s;
  }

  private List<Sample> sweep(String server, long pid, LoadGen.Target t) throws Exception {
    List<Sample> out = new ArrayList<>();
    int have = 0;
    double cap = server.equals("nginx-rtmp") ? 0.97 : 1.94;
    for (int n : steps) {
      gen.add(t, n - have, 200, 30_000);
      have = n;
      sleep(settle);
      Sample s = measure(server, t.label(), pid, n);
      out.add(s);
      if (!s.allKeptUp() && s.behind() > n / 100 || s.serverCores() >= cap) {
        log("stop sweep of " + server + " " + t.label() + " at N=" + n);
        break;
      }
    }
    gen.closeAll();
    sleep(3);
    return out;
  }

  private Sample measure(String server, String kind, long pid, int n) throws Exception {
    List<LoadGen.Player> players = gen.players();
    long[] frames0 = new long[players.size()];
    long[] bytes0 = new long[players.size()];
    long[] lagSum0 = new long[players.size()];
    long[] lagCount0 = new long[players.size()];
    long src0 = sourceFrames();
    Processes.Usage u0 = Processes.usage(pid);
    Processes.Usage g0 = Processes.usage(Processes.self());
    Processes.Usage f0 = Processes.usage(source.pid());
    long[] m0 = machineTicks();
    for (int i = 0; i < players.size(); i++) {
      frames0[i] = players.get(i).stats().videoFrames;
      bytes0[i] = players.get(i).stats().bytes;
      lagSum0[i] = players.get(i).stats().lagSumNanos;
      lagCount0[i] = players.get(i).stats().lagCount;
      players.get(i).stats().lagMaxNanos = Long.MIN_VALUE; // this window's largest only
    }
    sleep(window);
    Processes.Usage u1 = Processes.usage(pid);
    Processes.Usage g1 = Processes.usage(Processes.self());
    Processes.Usage f1 = Processes.usage(source.pid());
    long[] m1 = machineTicks();
    long src1 = sourceFrames();
    double secs = (u1.nanoTime() - u0.nanoTime()) / 1e9;
    double srcFrames = src1 - src0;
    List<Double> fps = new ArrayList<>();
    List<Double> mbps = new ArrayList<>();
    List<Double> delay = new ArrayList<>();
    List<Double> maxDelay = new ArrayList<>();
    int behind = 0;
    int connected = 0;
    for (int i = 0; i < players.size(); i++) {
      PlayerStats st = players.get(i).stats();
      long df = st.videoFrames - frames0[i];
      long db = st.bytes - bytes0[i];
      fps.add(df / secs);
      mbps.add(db * 8 / secs / 1e6);
      long frames = st.lagCount - lagCount0[i];
      if (frames > 0 && st.lagMinNanos != Long.MAX_VALUE) {
        delay.add(((st.lagSumNanos - lagSum0[i]) / (double) frames - st.lagMinNanos) / 1e6);
        maxDelay.add((st.lagMaxNanos - st.lagMinNanos) / 1e6);
      }
      if (!st.closed && st.firstKeyframeNanos != 0) {
        connected++;
      }
      if (st.closed || df < 0.9 * srcFrames) {
        behind++;
      }
    }
    behind += Math.max(0, n - players.size());
    Sample s = new Sample(server, kind, n, connected, secs, u1.coresSince(u0), u1.rssBytes(), g1.coresSince(g0),
        behind, srcFrames / secs, Sample.median(fps), Sample.median(mbps), baseline.getOrDefault(server, 0.0),
        f1.coresSince(f0), (m1[0] - m0[0]) / TICKS / secs, Sample.median(delay), Sample.median(maxDelay));
    log(String.format("%-10s %-8s N=%5d connected=%5d cpu=%6.1f%% rss=%5.0fMiB loadgen=%5.1f%% behind=%d src=%.1ffps "
            + "player=%.1ffps %.2fMbps ffmpeg=%.1f%% others=%.1f%% delay=+%.1fms (max +%.1fms)", server, kind, n, connected,
        s.serverCores() * 100, s.serverRssBytes() / 1048576.0, s.loadgenCores() * 100, behind, s.sourceFps(), s.medianFps(),
        s.medianMbps(), s.sourceCores() * 100, s.otherCores() * 100, s.addedDelayMs(), s.maxAddedDelayMs()));
    return s;
  }

  static final double TICKS = 100.0; // USER_HZ

  /** Busy ticks of the whole machine: [busy, total] from the first line of /proc/stat. */
  private static long[] machineTicks() throws java.io.IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");

  /** Frames the source has encoded so far (its last progress line). */
  private long sourceFrames() {
    List<String> lines = source.stderrLines();
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = FRAME.matcher(lines.get(i));
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return 0;
  }

  private BenchReport.Ttff ttff(String server, LoadGen.Target t, int background) throws Exception {
    if (background > 0) {
      gen.add(t, background, 200, 30_000);
      sleep(settle);
    }
    List<Double> ms = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < ttffProbes; i++) {
      List<Channel> chs = new ArrayList<>();
      PlayerStats s = gen.open(t, chs);
      long until = System.nanoTime() + 5_000_000_000L;
      while (s.firstKeyframeNanos == 0 && !s.closed && System.nanoTime() < until) {
        Thread.sleep(1);
      }
      chs.forEach(Channel::close);
      if (s.firstKeyframeNanos == 0) {
        failed++;
      } else {
        ms.add(s.ttffMillis());
      }
      Thread.sleep(100 + ThreadLocalRandom.current().nextInt(400)); // land anywhere in the GOP
    }
    gen.closeAll();
    sleep(1);
    BenchReport.Ttff r = new BenchReport.Ttff(server, t.label(), background, ms, failed);
    log(String.format("TTFF %s %s with %d others: median %.1f ms (%.1f-%.1f), %d failed", server, t.label(), background,
        r.median(), r.min(), r.max(), failed));
    return r;
  }

  static void sleep(double seconds) throws InterruptedException {
    Thread.sleep((long) (seconds * 1000));
  }

  static void log(String s) {
    System.out.println("[bench] " + s);
    System.out.flush();
  }

}
