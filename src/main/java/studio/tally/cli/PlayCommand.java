package studio.tally.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import studio.tally.ui.PlayerLauncher;
import studio.tally.ui.WindowUnavailableException;

@Command(name = "play", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Open the Player window on streams, side by side, with their QA figures (docs/qa-metrics.md).",
        "URLs: http(s)://host/app/stream.flv, rtmp(s)://host/app/stream, WHEP endpoints, webrtc://host/app/stream.",
        "Headless: tally probe."})
final class PlayCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "URL", description = "Streams to open (more can be opened in the window).")
  List<String> urls = List.of();

  @Option(names = "--tls-fingerprint", paramLabel = "SHA256", description = "Trust the server whose certificate has this SHA-256.")
  String tlsFingerprint;

  @Option(names = "--insecure-tls", description = "Accept any TLS certificate.")
  boolean insecureTls;

  @Option(names = "--snapshots", paramLabel = "DIR", description = "Where Snapshot writes PNGs (default: the current directory).")
  Path snapshots = Path.of("");

  @Override
  public Integer call() {
    PlayerLauncher launcher = new PlayerLauncher(urls, tlsFingerprint, insecureTls, snapshots.toAbsolutePath());
    Signals.onTerminate(launcher::requestClose);
    try {
      return launcher.run();
    } catch (WindowUnavailableException e) {
      throw new UserError(e.getMessage(), 1);
    }
  }
}
