package studio.tally.bench;

import java.nio.file.Files;
import java.util.List;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

/**
 * Our server alone in its JVM, so /proc/PID counts its CPU only. Prints {@code PORT <n>} on stdout
 * once listening; SIGTERM stops it. Arguments: the config dir, then optionally a merge-write batch in
 * ms to pin (default: the adaptive batch the server ships with).
 */
public final class BenchServerMain {
  private BenchServerMain() {}

  public static void main(String[] args) throws Exception {
    String dir = args.length > 0 ? args[0] : Files.createTempDirectory("tally-bench").toString();
    ServerConfig config = ServerConfig.defaults().withRtcUdp("127.0.0.1:0").withListen(List.of("127.0.0.1:0")).withConfigDir(dir);
    if (args.length > 1) {
      config = config.withMergeWriteMs(Long.parseLong(args[1]));
    }
    TallyServer server = TallyServer.start(config, "bench");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-stop"));
    System.out.println("PORT " + server.boundAddresses().getFirst().getPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
