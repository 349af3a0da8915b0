package studio.tally.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import studio.tally.media.capture.Device;
import studio.tally.media.capture.DeviceCatalog;

@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"List the screens, cameras and audio inputs this machine has.",
        "Pass an id to publish: --source screen:ID, --source camera:ID, --pip camera:ID, --mic ID."})
final class DevicesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    var devices = DeviceCatalog.list();
    if (devices.isEmpty()) {
      System.out.println("no capture devices found (the test source always works: --source test)");
    }
    for (Device d : devices) {
      System.out.println(d);
    }
    return 0;
  }
}
