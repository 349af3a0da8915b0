package studio.tally.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;
import studio.tally.testing.PeerFiles;
import studio.tally.testing.PeerProcess;
import studio.tally.testing.Processes;

/**
 * WebRTC players per core for one ~2 Mbit/s source ({@code bash bench/rtc-fanout.sh}): our server in
 * its own JVM ({@link BenchServerMain}); in this JVM a WHIP publisher ({@link RtcSource}) and N WHEP
 * players ({@link RtcLoadGen}); side by side in the same run, the same H.264 bytes (+ AAC) pushed
 * over RTMP by FFmpeg and played by N HTTP-FLV players ({@link LoadGen}), the peer the ratio is
 * quoted against, and the "kernel floor": the same packets as plain datagrams from
 * {@link FloorSender} (own JVM, epoll + sendmmsg, no crypto) to N counting sockets
 * ({@link KernelFloor}), what the machine allows before any SRTP work. CPU from /proc over a steady
 * window after every player joined. Writes its section of docs/benchmarks.md; asserts nothing about timings.
 *
 * <p>Two servers run side by side, each with its own WHIP source and its own WHEP players: one with
 * its WebRTC forwarding on one event loop ({@code -Dtally.rtc.loops=1}) and one with the default (a
 * UDP socket and loop per processor), so the headline interleaves four cases (WebRTC on one loop, on
 * all loops, HTTP-FLV on the all-loops server, the kernel floor) and the sweep finds, for each WebRTC
 * server, the largest N at which every player keeps up (≥ 99 % of the packets, never more than 200 ms
 * behind).
 *
 * <p>System properties: {@code rtc.steps} (WebRTC sweep), {@code rtc.n} (headline N), {@code rtc.runs},
 * {@code rtc.window}, {@code rtc.settle} (s), {@code rtc.inFlight} (joins at once), {@code rtc.verifyEvery}
 * (players authenticate + decrypt every k-th packet), {@code rtc.warmup} (players of each kind for the JIT warm-up),
 * {@code rtc.videoKbps} (the source encode's bit rate, default 2000), {@code rtc.serverJvmArgs}, {@code rtc.doc},
 * {@code rtc.loadgens} (e.g. 100,300: instead of the headline and sweep, our WHEP players against pion's
 * ({@link PionPlayers}) at these N, interleaved, {@code rtc.runs} times; {@link LoadGenReport} writes its own section).
 */
public final class RtcFanoutBench {
  static final String APP = "live";
  static final String RTC_STREAM = "rtcbench";
  static final String FLV_STREAM = "flvbench";
  static final String FLOOR = "kernel floor";
  static final String ONE_LOOP = "WebRTC, 1 loop";
  static final String ALL_LOOPS = "WebRTC, all loops";

  /** One WebRTC server under test: its process, WHIP source, players and no-player baseline. */
  static final class Side {
    final String kind;
    final String jvmFlag;
    PeerProcess server;
    int port;
    RtcSignaling signaling;
    RtcLoadGen rtc;
    RtcSource source;
    double baseline;

    Side(String kind, String jvmFlag) {
      this.kind = kind;
      this.jvmFlag = jvmFlag;
    }
  }

  final Side one = new Side(ONE_LOOP, "-Dtally.rtc.loops=1");
  final Side all = new Side(ALL_LOOPS, null);

  final int[] steps = Arrays.stream(System.getProperty("rtc.steps", "200,500,800,1000").split(","))
      .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
  final int headlineN = Integer.getInteger("rtc.n", 500);
  final int runs = Integer.getInteger("rtc.runs", 5);
  final double window = Double.parseDouble(System.getProperty("rtc.window", "10"));
  final double settle = Double.parseDouble(System.getProperty("rtc.settle", "3"));
  final int inFlight = Integer.getInteger("rtc.inFlight", 16);
  final int verifyEvery = Integer.getInteger("rtc.verifyEvery", 8);
  final int warmup = Integer.getInteger("rtc.warmup", 200);
  final int videoKbps = Integer.getInteger("rtc.videoKbps", 2000);
  /** {@code rtc.loadgens=100,300}: instead of the headline and sweep, our players vs pion's at these N. */
  final List<Integer> loadgenNs = Arrays.stream(System.getProperty("rtc.loadgens", "").split(","))
      .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
  LoadGenReport loadgenReport;

  PeerProcess server;
  int port;
  RtcSource rtcSource;
  FfmpegProcess flvSource;
  RtcLoadGen rtc;
  /** The side being measured ({@link #measure} reads it for WebRTC windows). */
  Side side;
  LoadGen flv;
  KernelFloor floor;
  double baseline;
  double floorBaseline;
  /** The floor sender's CPU in the last window, in cores (the baseline windows read it). */
  double lastFloorCores;

  public static void main(String[] args) throws Exception {
    int code = 0;
    try {
      new RtcFanoutBench().run();
    } catch (Throwable e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code); // peers are stopped in run(); daemon loops must not keep the JVM
  }

  void run() throws Exception {
    long t0 = System.nanoTime();
    RtcBenchReport report = new RtcBenchReport();
    Path dir = PeerFiles.newDir("rtc-bench");
    Ffmpeg ffmpeg = Ffmpeg.bundled();
    Path h264 = dir.resolve("source.h264");
    Path flvFile = dir.resolve("source.flv");
    List<String> encode = List.of("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "10",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "baseline", "-level", "3.1",
        "-pix_fmt", "yuv420p", "-g", "30", "-bf", "0", "-b:v", videoKbps + "k", "-maxrate", videoKbps + "k", "-bufsize", videoKbps + "k",
        "-x264-params", "nal-hrd=cbr", "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", h264.toString());
    ffmpeg.start(encode).waitForSuccess(java.time.Duration.ofMinutes(3));
    ffmpeg.start(List.of("-framerate", "30", "-i", h264.toString(), "-f", "lavfi", "-i",
        "sine=frequency=1000:sample_rate=48000", "-t", "10", "-map", "0:v", "-map", "1:a", "-c:v", "copy",
        "-c:a", "aac", "-b:a", "64k", "-f", "flv", flvFile.toString())).waitForSuccess(java.time.Duration.ofMinutes(1));
    List<RtcSource.Frame> frames = RtcSource.packetize(h264);
    report.encode = String.join(" ", encode).replace(dir + "/", "");
    report.videoBitrate = RtcSource.videoBitrate(frames);
    report.packetRate = RtcSource.packetRate(frames);
    log(String.format("source: %d frames, %.2f Mbit/s video payload, %.0f RTP packets/s with audio", frames.size(),
        report.videoBitrate / 1e6, report.packetRate));

    for (Side x : List.of(one, all)) {
      x.server = startServer(x.jvmFlag);
      x.port = port;
      x.signaling = new RtcSignaling("127.0.0.1", x.port);
      x.rtc = new RtcLoadGen(2, x.signaling, verifyEvery);
    }
    use(all); // HTTP-FLV and the floor run beside the all-loops server
    flv = new LoadGen(2);
    report.transport = rtc.transport;
    report.machine = BenchReport.machine(ffmpeg.version(), List.of("ffmpeg"));
    try {
      RtcPeer publisher = null;
      for (Side x : List.of(one, all)) {
        publisher = x.rtc.open(true);
        publisher.join(x.signaling, "/rtc/v1/whip/?app=" + APP + "&stream=" + RTC_STREAM, RtcSource.AUDIO_SSRC,
            RtcSource.VIDEO_SSRC);
        x.source = new RtcSource(publisher, frames);
      }
      use(all);
      // the floor's datagrams are as large as our server's: RTP header + payload + the SRTP tag players negotiate
      report.floorOverhead = 12 + publisher.profile().rtpOverhead();
      floor = new KernelFloor(childJvm(), frames, report.floorOverhead, rtc);
      flvSource = ffmpeg.start(List.of("-re", "-stream_loop", "-1", "-i", flvFile.toString(), "-c", "copy",
          "-f", "flv", "rtmp://127.0.0.1:" + port + "/" + APP + "/" + FLV_STREAM));
      report.flvCommand = String.join(" ", flvSource.command().subList(7, flvSource.command().size()))
          .replace(dir + "/", "").replace(":" + port + "/", ":PORT/");
      LoadGen.Target flvTarget = LoadGen.Target.flv("127.0.0.1", port, APP, FLV_STREAM);
      sleep(3);

      log("warming up (JIT of both paths, both servers)");
      for (Side x : List.of(one, all)) {
        x.rtc.add(playPath(), warmup, inFlight, 120_000);
      }
      flv.add(flvTarget, warmup, 200, 30_000);
      floor.add(warmup);
      sleep(8);
      for (Side x : List.of(one, all)) {
        x.rtc.closeAll();
      }
      flv.closeAll();
      floor.closeAll();
      sleep(3);
      // the lowest of three windows: a busy machine only ever adds to it
      floorBaseline = Double.MAX_VALUE;
      for (Side x : List.of(one, all)) {
        use(x);
        baseline = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
          baseline = Math.min(baseline, measure("(none)", 0, 0, 0).serverCores());
          floorBaseline = Math.min(floorBaseline, lastFloorCores);
        }
        x.baseline = baseline;
      }
      use(all);
      report.baseline = all.baseline;
      report.baselineOneLoop = one.baseline;
      report.floorBaseline = floorBaseline;
      log(String.format("baseline (both ingests, no player): %.1f%% (one-loop server %.1f%%); floor sender pacing to nobody: %.1f%%",
          all.baseline * 100, one.baseline * 100, floorBaseline * 100));

      if (!loadgenNs.isEmpty()) { // ours vs pion only: the fan-out section is left as it is
        runLoadgens();
      }
      for (int r = 0; r < (loadgenNs.isEmpty() ? runs : 0); r++) {
        for (int k = 0; k < 4; k++) {
          RtcSample s = switch ((r + k) % 4) { // each case goes first, second, third and fourth in turn
            case 0 -> rtcPoint(one, headlineN);
            case 1 -> rtcPoint(all, headlineN);
            case 2 -> flvPoint(flvTarget, headlineN);
            default -> floorPoint(headlineN);
          };
          report.headline.add(new RtcBenchReport.Run(r + 1, s));
        }
      }
      for (Side x : loadgenNs.isEmpty() ? List.of(one, all) : List.<Side>of()) {
        use(x);
        int have = 0;
        for (int n : steps) {
          long j0 = System.nanoTime();
          int failed = rtc.add(playPath(), n - have, inFlight, 300_000);
          double joinSeconds = (System.nanoTime() - j0) / 1e9;
          have = n;
          sleep(settle);
          RtcSample s = measure(x.kind, n, failed, joinSeconds);
          report.sweep.add(s);
          if (!s.allKeptUp()) {
            log("stop the " + x.kind + " sweep at N=" + n + ": not every player kept up");
            break;
          }
        }
        rtc.closeAll();
        sleep(3);
        if (rtc.lastError.get() != null) {
          report.lastJoinError = rtc.lastError.get();
        }
      }
      use(all);
    } finally {
      for (Side x : List.of(one, all)) {
        if (x.source != null) {
          x.source.close();
        }
      }
      if (flvSource != null) {
        flvSource.stop();
      }
      if (floor != null) {
        try {
          floor.close();
        } catch (java.io.IOException e) { // the sender died: still stop the others below
          log("floor sender: " + e.getMessage());
        }
      }
      flv.close();
      for (Side x : List.of(one, all)) {
        if (x.rtc != null) {
          x.rtc.close();
        }
        if (x.server != null) {
          x.server.stop();
        }
      }
    }
    report.minutes = (System.nanoTime() - t0) / 60e9;
    Path doc = Path.of(System.getProperty("rtc.doc", "docs/benchmarks.md"));
    if (loadgenReport != null) {
      loadgenReport.minutes = report.minutes;
      loadgenReport.machine = report.machine;
      loadgenReport.videoBitrate = report.videoBitrate;
      loadgenReport.packetRate = report.packetRate;
      loadgenReport.baseline = all.baseline;
      loadgenReport.writeInto(doc);
    } else {
      report.writeInto(doc);
    }
    log("wrote " + doc.toAbsolutePath());
  }

  /** Our WHEP players and pion's, same source, same server, interleaved (each goes first in turn). */
  private void runLoadgens() throws Exception {
    loadgenReport = new LoadGenReport();
    studio.tally.testing.PionPeer.binary(); // the go build, before any join is timed
    for (int n : loadgenNs) {
      for (int r = 0; r < runs; r++) {
        for (int k = 0; k < 2; k++) {
          RtcSample s = (r + k) % 2 == 0 ? rtcPoint(n) : pionPoint(n);
          loadgenReport.runs.add(new RtcBenchReport.Run(r + 1, s));
        }
      }
    }
  }

  private RtcSample pionPoint(int n) throws Exception {
    long j0 = System.nanoTime();
    try (PionPlayers pion = PionPlayers.start("http://127.0.0.1:" + port + playPath(), n, inFlight,
        java.time.Duration.ofMinutes(5))) {
      double joinSeconds = (System.nanoTime() - j0) / 1e9;
      if (pion.joinErrors > 0) {
        loadgenReport.lastPionError = pion.lastJoinError;
      }
      sleep(settle);
      return PionWindow.measure(this, pion, joinSeconds);
    } finally {
      sleep(3);
    }
  }

  private static String playPath() {
    return "/rtc/v1/whep/?app=" + APP + "&stream=" + RTC_STREAM;
  }

  /** Makes {@code x} the server, source and players the next windows measure. */
  private void use(Side x) {
    side = x;
    server = x.server;
    port = x.port;
    rtc = x.rtc;
    rtcSource = x.source;
    baseline = x.baseline;
  }

  private RtcSample rtcPoint(int n) throws Exception {
    return rtcPoint(all, n);
  }

  private RtcSample rtcPoint(Side x, int n) throws Exception {
    use(x);
    long j0 = System.nanoTime();
    int failed = rtc.add(playPath(), n, inFlight, 300_000);
    double joinSeconds = (System.nanoTime() - j0) / 1e9;
    sleep(settle);
    RtcSample s = measure(x.kind, n, failed, joinSeconds);
    rtc.closeAll();
    sleep(3);
    use(all);
    return s;
  }

  private RtcSample flvPoint(LoadGen.Target t, int n) throws Exception {
    long j0 = System.nanoTime();
    flv.add(t, n, 200, 30_000);
    double joinSeconds = (System.nanoTime() - j0) / 1e9;
    sleep(settle);
    RtcSample s = measure("HTTP-FLV", n, 0, joinSeconds);
    flv.closeAll();
    sleep(3);
    return s;
  }

  private RtcSample floorPoint(int n) throws Exception {
    long j0 = System.nanoTime();
    floor.add(n);
    double joinSeconds = (System.nanoTime() - j0) / 1e9;
    sleep(settle);
    RtcSample s = measure(FLOOR, n, 0, joinSeconds);
    floor.closeAll();
    sleep(3);
    return s;
  }

  /** One steady window; {@code kind} says which players are connected ("(none)": baseline). */
  private RtcSample measure(String kind, int n, int failed, double joinSeconds) throws Exception {
    boolean isRtc = kind.startsWith("WebRTC");
    boolean isFloor = kind.equals(FLOOR);
    List<RtcPeer> rtcPlayers = List.copyOf(rtc.players());
    List<LoadGen.Player> flvPlayers = List.copyOf(flv.players());
    List<KernelFloor.Player> floorPlayers = List.copyOf(floor.players());
    int count = isRtc ? rtcPlayers.size() : isFloor ? floorPlayers.size() : flvPlayers.size();
    Side other = side == one ? all : one; // idles beside: its CPU is not "others"
    long[] a0 = new long[count];
    long[] b0 = new long[count];
    long verified0 = 0;
    long auth0 = 0;
    for (int i = 0; i < count; i++) {
      if (isRtc) {
        RtcPeer.Stats st = rtcPlayers.get(i).stats;
        a0[i] = st.packets;
        b0[i] = st.bytes;
        verified0 += st.verified;
        auth0 += st.authFailures;
        st.maxLagNanos = 0;
      } else if (isFloor) {
        a0[i] = floorPlayers.get(i).packets;
        b0[i] = floorPlayers.get(i).bytes;
      } else {
        PlayerStats st = flvPlayers.get(i).stats();
        a0[i] = st.videoFrames;
        b0[i] = st.bytes;
      }
    }
    long src0 = isRtc ? rtcSource.packetsSent : isFloor ? floor.sent() : 0;
    long drops0 = PionWindow.udpRcvbufErrors();
    Processes.Usage u0 = Processes.usage(server.pid());
    Processes.Usage o0 = Processes.usage(other.server.pid());
    Processes.Usage k0 = Processes.usage(floor.pid());
    Processes.Usage g0 = Processes.usage(Processes.self());
    Processes.Usage f0 = Processes.usage(flvSource.pid());
    long[] m0 = machineTicks();
    sleep(window);
    Processes.Usage u1 = Processes.usage(server.pid());
    Processes.Usage o1 = Processes.usage(other.server.pid());
    Processes.Usage k1 = Processes.usage(floor.pid());
    Processes.Usage g1 = Processes.usage(Processes.self());
    Processes.Usage f1 = Processes.usage(flvSource.pid());
    long[] m1 = machineTicks();
    long src1 = isFloor ? floor.sent() : 0;
    double secs = (u1.nanoTime() - u0.nanoTime()) / 1e9;
    // FLV: the RTMP source is paced by -re at 30 fps (its progress lines come only once a second)
    double expected = isRtc ? rtcSource.packetsSent - src0 : isFloor ? src1 - src0 : RtcSource.FPS * secs;
    int kept = 0;
    int strict = 0;
    long worstLag = 0;
    long verified = -verified0;
    long auth = -auth0;
    List<Double> mbps = new ArrayList<>();
    List<Double> delivered = new ArrayList<>();
    long allPackets = 0;
    long allBytes = 0;
    for (int i = 0; i < count; i++) {
      long da;
      long db;
      if (isRtc) {
        RtcPeer.Stats st = rtcPlayers.get(i).stats;
        da = st.packets - a0[i];
        db = st.bytes - b0[i];
        verified += st.verified;
        auth += st.authFailures;
        worstLag = Math.max(worstLag, st.maxLagNanos);
        if (st.packets - a0[i] >= 0.99 * expected && st.maxLagNanos <= 200_000_000L) {
          strict++;
        }
      } else if (isFloor) {
        da = floorPlayers.get(i).packets - a0[i];
        db = floorPlayers.get(i).bytes - b0[i];
      } else {
        PlayerStats st = flvPlayers.get(i).stats();
        da = st.closed ? 0 : st.videoFrames - a0[i];
        db = st.bytes - b0[i];
      }
      mbps.add(db * 8 / secs / 1e6);
      allPackets += da;
      allBytes += db;
      delivered.add(expected <= 0 ? Double.NaN : da / expected);
      if (da >= 0.95 * expected) {
        kept++;
      }
      if (!isRtc && da >= 0.99 * expected) {
        strict++;
      }
    }
    // the floor case's "server" is the floor sender (our server idles beside it with both ingests)
    Processes.Usage s0 = isFloor ? k0 : u0;
    Processes.Usage s1 = isFloor ? k1 : u1;
    double server = s1.coresSince(s0);
    lastFloorCores = k1.coresSince(k0);
    double gen = g1.coresSince(g0);
    double ff = f1.coresSince(f0);
    double machine = (m1[0] - m0[0]) / FanoutBench.TICKS / secs;
    double others = machine - u1.coresSince(u0) - o1.coresSince(o0) - lastFloorCores - gen - ff;
    RtcSample s = new RtcSample(kind, n, n - failed, secs, server, (s1.systemSeconds() - s0.systemSeconds()) / secs,
        isFloor ? floorBaseline : baseline, s1.rssBytes(), gen, ff,
        Math.max(0, others), kept, Sample.median(mbps), Sample.median(delivered), auth, verified, joinSeconds, strict,
        isRtc ? worstLag / 1e6 : Double.NaN);
    if (loadgenReport != null) {
      loadgenReport.rcvbufErrors.put(s, PionWindow.udpRcvbufErrors() - drops0);
      loadgenReport.generatorProcessCores.put(s, gen);
    }
    log(String.format("%-8s N=%5d joined=%5d (%.1f s) cpu=%6.1f%% (sys %.1f%%) per-player=%.4f%% (marginal %.4f%%) rss=%4.0fMiB "
            + "loadgen=%5.1f%% others=%5.1f%% kept-up=%d/%d (>=99%% and <=200 ms: %d, worst lag %.0f ms) median=%.2fMbit/s (%.1f%% of the source, %.0f B per packet or frame) srtp verified=%d failed=%d",
        kind, n, n - failed, joinSeconds, server * 100, s.serverSystemCores() * 100, n == 0 ? 0 : s.percentPerPlayer(),
        n == 0 ? 0 : s.marginalPercentPerPlayer(), s1.rssBytes() / 1048576.0, gen * 100, s.otherCores() * 100, kept,
        count, strict, s.worstLagMs(), s.medianMbps(), s.medianDelivered() * 100, allPackets == 0 ? Double.NaN : (double) allBytes / allPackets,
        verified, auth));
    return s;
  }

  static long[] machineTicks() throws java.io.IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  /** A child JVM like this one; the server and the floor sender get the same flags ({@code rtc.serverJvmArgs}). */
  private static List<String> childJvm() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dtally.log=app", "-Dio.netty.leakDetection.level=disabled",
        "--enable-native-access=ALL-UNNAMED"));
    String extra = System.getProperty("rtc.serverJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(Arrays.asList(extra.split("\\s+")));
    }
    return cmd;
  }

  private PeerProcess startServer(String jvmFlag) throws Exception {
    List<String> cmd = new ArrayList<>(childJvm());
    if (jvmFlag != null) {
      cmd.add(jvmFlag);
    }
    cmd.add(BenchServerMain.class.getName());
    cmd.add(PeerFiles.newDir("tally-server").toString());
    PeerProcess p = PeerProcess.start("tally-server", cmd);
    port = KernelFloor.waitForPort(p);
    return p;
  }

  static void sleep(double seconds) throws InterruptedException {
    Thread.sleep((long) (seconds * 1000));
  }

  static void log(String s) {
    System.out.println("[rtc-bench] " + s);
    System.out.flush();
  }
}
