package studio.tally.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import studio.tally.testing.PeerProcess;

/**
 * {@code tally ARGS} as a child process: this test JVM's java, this test's classpath and the app's own
 * logging (what a user sees: INFO and up on stderr, no test DEBUG logging on stdout).
 */
final class TallyCli {
  private TallyCli() {}

  static PeerProcess start(String... args) {
    return start(Map.of(), List.of(), args);
  }

  /**
   * @param environment added to the inherited environment
   * @param unset       variables removed from it (via {@code env -u})
   */
  static PeerProcess start(Map<String, String> environment, List<String> unset, String... args) {
    List<String> cmd = new ArrayList<>();
    if (!unset.isEmpty()) {
      cmd.add("env");
      unset.forEach(v -> cmd.addAll(List.of("-u", v)));
    }
    cmd.addAll(javaCommand(args));
    return new Child("tally-" + args[0], cmd, environment);
  }

  /** {@code tally ARGS} run by {@code prefix} (e.g. {@code unshare ... sh -c SCRIPT sh}), which ends by exec'ing "$@". */
  static PeerProcess startWrapped(List<String> prefix, Map<String, String> environment, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(javaCommand(args));
    return new Child("tally-" + args[0], cmd, environment);
  }

  /** The java command line of {@code tally ARGS}. */
  static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-Dtally.log=app"); // the app's own logging, not the tests' logback-test.xml
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("studio.tally.cli.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Everything the child printed on stdout so far. */
  static List<String> stdout(PeerProcess p) {
    try {
      return Files.readAllLines(p.stdoutFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link PeerProcess#describe()} plus stdout, for failure messages. */
  static String describe(PeerProcess p) {
    return p.describe() + "  stdout (" + p.stdoutFile() + "):\n" + String.join("\n", stdout(p)).indent(4);
  }


  private static final class Child extends PeerProcess {
    Child(String name, List<String> command, Map<String, String> environment) {
      super(name, command, environment, null);
    }
  }
}
