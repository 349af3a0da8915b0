package studio.tally.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderProbe;

@Command(name = "encoders", mixinStandardHelpOptions = true,
    description = {"Probe every video encoder candidate (hardware first) and say which are usable here.",
        "'auto' picks the first usable one of the codec."})
final class EncodersCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    String auto = null;
    for (EncoderProbe p : EncoderCatalog.probe()) {
      System.out.printf("%-20s %-5s %-8s %s%n", p.name(), p.codec(), p.hardware() ? "hardware" : "software",
          p.usable() ? "usable" : "not usable: " + p.reason());
      if (auto == null && p.usable() && p.codec().equals("h264")) {
        auto = p.name();
      }
    }
    System.out.println("auto (h264): " + (auto == null ? "none usable" : auto));
    return auto == null ? 1 : 0;
  }
}
