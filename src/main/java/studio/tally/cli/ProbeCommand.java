package studio.tally.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import studio.tally.play.PlayUrls;
import studio.tally.play.PlayerOptions;
import studio.tally.play.Probe;
import studio.tally.play.ProbeExpectations;
import studio.tally.play.ProbeReports;
import studio.tally.play.ProbeResult;
import studio.tally.play.QaReport;

@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Play one or more streams headless for a while and report QA figures (docs/qa-metrics.md).",
        "URLs: http(s)://host/app/stream.flv, rtmp(s)://host/app/stream, a WHEP endpoint (any other http(s)://…),",
        "webrtc://host[:port]/app/stream (SRS JSON API /rtc/v1/play/, port 1985 unless given, 443 with ?schema=https).",
        "Exit 0: every expectation met; 1: a stream failed an expectation; 2: a stream could not be played."})
final class ProbeCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "URL", description = "Streams to play side by side.")
  List<String> urls;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS", description = "How long to play (default: ${DEFAULT-VALUE}).")
  double durationSeconds;

  @Option(names = "--json", description = "Print JSON: one object per URL under \"streams\", then \"summary\".")
  boolean json;

  @Option(names = "--expect-fps", paramLabel = "N", description = "Fail below 90 %% of N frames per second.")
  Double expectFps;

  @Option(names = "--max-latency-ms", paramLabel = "N", description = "Fail when the median glass-to-glass latency (test pattern time code) exceeds N ms.")
  Long maxLatencyMs;

  @Option(names = "--min-kbps", paramLabel = "N", description = "Fail below N kbit/s of media.")
  Double minKbps;

  @Option(names = "--max-freezes", paramLabel = "N", description = "Fail above N freezes.")
  Integer maxFreezes;

  @Option(names = "--until-first-frame", description = "Stop each stream at its first picture (a quick 'is it up?' check; --duration is then the limit).")
  boolean untilFirstFrame;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write the results as JUnit XML to FILE.")
  Path junit;

  @Option(names = "--tls-fingerprint", paramLabel = "SHA256", description = "Trust the server whose certificate has this SHA-256.")
  String tlsFingerprint;

  @Option(names = "--insecure-tls", description = "Accept any TLS certificate.")
  boolean insecureTls;

  @Option(names = "--bearer-token", paramLabel = "TOKEN", description = "WHEP: send Authorization: Bearer TOKEN.")
  String bearerToken;

  @Option(names = "--ice-tcp-only", description = "WHEP and webrtc://: no UDP candidates, media over ICE-TCP only.")
  boolean iceTcpOnly;

  @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS", description = "(default: ${DEFAULT-VALUE}).")
  double connectTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (!(durationSeconds > 0) || durationSeconds > 86_400) throw new UserError("--duration must be in (0, 86400] seconds");
    if (!(connectTimeoutSeconds > 0)) throw new UserError("--connect-timeout must be positive");
    for (String url : urls) {
      try {
        PlayUrls.check(url);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
    }
    PlayerOptions options;
    try {
      options = PlayerOptions.defaults().withTls(tlsFingerprint, insecureTls)
          .withConnectTimeout(Duration.ofMillis((long) (connectTimeoutSeconds * 1000)))
          .withBearerToken(bearerToken).withIceTcpOnly(iceTcpOnly);
      if (tlsFingerprint != null) PlayUrls.checkTls(options); // only a pin can be malformed; default trust loads lazily
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (insecureTls && (tlsFingerprint == null || tlsFingerprint.isBlank())) {
      System.err.println("warning: TLS certificate checks are off (--insecure-tls)");
    }
    var results = Probe.run(urls, Duration.ofMillis((long) (durationSeconds * 1000)), options,
        new ProbeExpectations(expectFps, maxLatencyMs, minKbps, maxFreezes), untilFirstFrame);
    if (json) {
      System.out.println(ProbeReports.json(results));
    } else {
      results.forEach(ProbeCommand::printText);
    }
    if (junit != null) {
      try {
        Files.writeString(junit, ProbeReports.junit(results));
      } catch (IOException e) {
        throw new UserError("cannot write " + junit + ": " + e.getMessage());
      }
    }
    return ProbeResult.exitCode(results);
  }

  private static void printText(ProbeResult r) {
    QaReport q = r.report();
    System.out.println(r.url() + ": " + r.status().name().toLowerCase(Locale.ROOT)
        + (r.reasons().isEmpty() ? "" : " — " + String.join("; ", r.reasons())));
    if (q.frames() > 0) {
      System.out.printf(Locale.ROOT, "  first frame %.0f ms, %s %dx%d, %.2f fps, %.0f kbit/s, %d freezes (%.0f ms), %d dropped%s%s%n",
          q.timeToFirstFrameMs(), q.videoCodec(), q.width(), q.height(), q.fps(), q.bitrateKbps(), q.freezeCount(),
          q.totalFreezeMs(), q.droppedFrames(),
          q.latency() == null ? "" : String.format(Locale.ROOT, ", latency %.0f ms (median)", q.latency().medianMs()),
          q.avOffsetMs() == null ? "" : String.format(Locale.ROOT, ", A/V offset %.0f ms", q.avOffsetMs()));
    }
    if (q.webrtc() != null) {
      QaReport.WebRtc w = q.webrtc();
      System.out.printf(Locale.ROOT, "  webrtc over %s: rtt %.0f ms, jitter %.1f ms, %d lost (%.2f %%), %d NACK, %d PLI, jitter buffer %.0f ms%n",
          w.transport(), w.rttMs(), w.jitterMs(), w.packetsLost(), w.packetLossPct(), w.nackCount(), w.pliCount(),
          w.jitterBufferMs());
    }
  }
}
