package studio.tally.bench;

import java.util.ArrayList;
import java.util.List;
import studio.tally.testing.Processes;

/**
 * One steady window of the fan-out bench with {@link PionPlayers} connected, measured like
 * {@code RtcFanoutBench.measure} measures our own players: server CPU from /proc, per-player packets
 * against what the WHIP source sent in the same window. The load generator's CPU is the pion
 * process plus this JVM (the WHIP source's pacer, which our own players' figure includes too).
 */
final class PionWindow {
  static final String KIND = "WebRTC (pion players)";

  private PionWindow() {}

  /** The kernel's count of UDP datagrams dropped for a full receive buffer, all sockets (/proc/net/snmp). */
  static long udpRcvbufErrors() throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp"));
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
        List<String> names = List.of(lines.get(i).split("\\s+"));
        return Long.parseLong(lines.get(i + 1).split("\\s+")[names.indexOf("RcvbufErrors")]);
      }
    }
    return -1;
  }

  static RtcSample measure(RtcFanoutBench b, PionPlayers pion, double joinSeconds) throws Exception {
    PionPlayers.Snapshot a = pion.snapshot();
    long drops0 = udpRcvbufErrors();
    long src0 = b.rtcSource.packetsSent;
    Processes.Usage u0 = Processes.usage(b.server.pid());
    Processes.Usage k0 = Processes.usage(b.floor.pid());
    Processes.Usage p0 = Processes.usage(pion.pid());
    Processes.Usage g0 = Processes.usage(Processes.self());
    Processes.Usage f0 = Processes.usage(b.flvSource.pid());
    long[] m0 = RtcFanoutBench.machineTicks();
    RtcFanoutBench.sleep(b.window);
    PionPlayers.Snapshot z = pion.snapshot();
    long drops = udpRcvbufErrors() - drops0;
    long src1 = b.rtcSource.packetsSent;
    Processes.Usage u1 = Processes.usage(b.server.pid());
    Processes.Usage k1 = Processes.usage(b.floor.pid());
    Processes.Usage p1 = Processes.usage(pion.pid());
    Processes.Usage g1 = Processes.usage(Processes.self());
    Processes.Usage f1 = Processes.usage(b.flvSource.pid());
    long[] m1 = RtcFanoutBench.machineTicks();
    double secs = (u1.nanoTime() - u0.nanoTime()) / 1e9;
    double expected = src1 - src0;
    int kept = 0;
    List<Double> mbps = new ArrayList<>();
    List<Double> delivered = new ArrayList<>();
    for (int i = 0; i < pion.n; i++) {
      long da = z.packets()[i] - a.packets()[i];
      long db = z.bytes()[i] - a.bytes()[i];
      mbps.add(db * 8 / secs / 1e6);
      delivered.add(expected <= 0 ? Double.NaN : da / expected);
      if (da >= 0.95 * expected) {
        kept++;
      }
    }
    double server = u1.coresSince(u0);
    double pionCores = p1.coresSince(p0);
    double gen = pionCores + g1.coresSince(g0);
    double ff = f1.coresSince(f0);
    double machine = (m1[0] - m0[0]) / FanoutBench.TICKS / secs;
    double others = machine - server - k1.coresSince(k0) - gen - ff;
    int joined = pion.n - pion.joinErrors;
    RtcSample s = new RtcSample(KIND, pion.n, joined, secs, server, (u1.systemSeconds() - u0.systemSeconds()) / secs,
        b.baseline, u1.rssBytes(), gen, ff, Math.max(0, others), kept, Sample.median(mbps), Sample.median(delivered),
        0, 0, joinSeconds, kept, Double.NaN);
    b.loadgenReport.rcvbufErrors.put(s, drops);
    b.loadgenReport.generatorProcessCores.put(s, pionCores);
    RtcFanoutBench.log(String.format("%-8s N=%5d joined=%5d connected=%d (%.1f s) udp-rcvbuf-drops=%d cpu=%6.1f%% (sys %.1f%%) "
            + "per-player=%.4f%% (marginal %.4f%%) rss=%4.0fMiB pion=%5.1f%% (rss %.0f MiB) loadgen=%5.1f%% others=%5.1f%% "
            + "kept-up=%d/%d median=%.2fMbit/s (%.1f%% of the source)",
        "pion", pion.n, joined, z.connected(), joinSeconds, drops, server * 100, s.serverSystemCores() * 100,
        s.percentPerPlayer(), s.marginalPercentPerPlayer(), u1.rssBytes() / 1048576.0, pionCores * 100,
        p1.rssBytes() / 1048576.0, gen * 100, s.otherCores() * 100, kept, pion.n, s.medianMbps(),
        s.medianDelivered() * 100));
    return s;
  }
}
