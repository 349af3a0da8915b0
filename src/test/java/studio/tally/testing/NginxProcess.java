package studio.tally.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private nginx: own prefix directory under target/peers, own config, pid and error
 * log, {@code daemon off; master_process off;} so the process we start is the one that serves.
 */
final class NginxProcess implements AutoCloseable {
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path MODULES = Path.of("/usr/lib/nginx/modules");
  static final Path RTMP_MODULE = MODULES.resolve("ngx_rtmp_module.so");
  static final Path STREAM_MODULE = MODULES.resolve("ngx_stream_module.so");

  private final Path dir;
  private final PeerProcess process;
  private final Duration startup;

  /** Writes body (everything after the main-context lines) as nginx.conf, starts nginx, waits for ports. */
  NginxProcess(String name, Path dir, List<Path> modules, String body, List<Integer> ports) {
    require(NGINX, "nginx", "nginx-light");
    for (Path module : modules) {
      require(module, "the nginx module " + module.getFileName(),
          module.equals(RTMP_MODULE) ? "libnginx-mod-rtmp" : "libnginx-mod-stream");
    }
    this.dir = dir;
    var conf = new StringBuilder();
    for (Path module : modules) conf.append("load_module ").append(module).append(";\n");
    conf.append("worker_processes 1;\n")
        .append("worker_rlimit_nofile 16384;\n")
        .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
        .append("error_log ").append(errorLog()).append(" info;\n")
        .append("events { worker_connections 8192; }\n")
        .append(body);
    try {
      Files.writeString(dir.resolve("nginx.conf"), conf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long t0 = System.nanoTime();
    this.process = PeerProcess.start(name, List.of(NGINX.toString(),
        "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(), "-e", errorLog().toString(),
        "-g", "daemon off; master_process off;"));
    try {
      await("nginx " + name + " accepting on 127.0.0.1:" + ports)
          .atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
          .until(() -> {
            if (!process.isAlive()) throw new AssertionError("nginx exited at startup\n" + diagnostics());
            return ports.stream().allMatch(FreePort::accepts);
          });
    } catch (RuntimeException | AssertionError e) {
      process.kill();
      if (e instanceof AssertionError ae && !process.isAlive() && ae.getMessage().startsWith("nginx exited")) throw ae;
      throw new AssertionError("nginx " + name + " did not start: " + e.getMessage() + "\n" + diagnostics(), e);
    }
    this.startup = Duration.ofNanos(System.nanoTime() - t0);
  }

  Path dir() {
    return dir;
  }

  Path errorLog() {
    return dir.resolve("error.log");
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Duration startupTime() {
    return startup;
  }

  /** The config, the process's stderr and the end of the error log: attach this to failure messages. */
  String diagnostics() {
    String log;
    try {
      List<String> lines = Files.exists(errorLog()) ? Files.readAllLines(errorLog()) : List.of("(no error log)");
      log = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      log = "(cannot read " + errorLog() + ": " + e + ")";
    }
    return process.describe() + "  config: " + dir.resolve("nginx.conf") + "\n  error log (" + errorLog()
        + "), last lines:\n" + log.indent(4);
  }

  @Override
  public void close() {
    process.stop();
  }

  private static void require(Path file, String what, String debianPackage) {
    if (!Files.exists(file)) throw new PeerMissing(what, debianPackage, file + " not found");
  }
}
