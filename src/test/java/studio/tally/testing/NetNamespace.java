package studio.tally.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A network namespace {@code tally-rtcjava-<pid>-<n>} holding both ends of a veth pair, 198.18.N.1/24 and
 * 198.18.N.2/24 (plus {@code lo} up), for peers that need a real interface: libwebrtc ignores loopback
 * (it gathers no candidate there). Nothing outside is reachable from inside, so every peer runs in it as a child process
 * ({@link #start}). {@link #close()} kills what still runs inside and deletes the namespace (the veth pair
 * goes with it); a JVM shutdown hook does the same if the test dies, and namespaces left by a dead JVM of
 * ours are deleted on the next {@link #create()}. Needs root and iproute2.
 */
public final class NetNamespace implements AutoCloseable {
  private static final String PREFIX = "tally-rtcjava-";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final long PID = ProcessHandle.current().pid();

  private final String name;
  private final int subnet;
  private final Thread cleanupHook;
  private boolean closed;

  private NetNamespace(String name, int subnet) {
    this.name = name;
    this.subnet = subnet;
    this.cleanupHook = new Thread(this::delete, name + "-cleanup");
  }

  public static NetNamespace create() {
    String ip = prepare();
    int n = SEQUENCE.incrementAndGet();
    int subnet = (int) ((PID * 7 + n) % 250) + 1;
    var ns = new NetNamespace(PREFIX + PID + "-" + n, subnet);
    String a = "trj" + Long.toString(PID % 46656, 36) + n + "a";
    String b = a.substring(0, a.length() - 1) + "b";
    Runtime.getRuntime().addShutdownHook(ns.cleanupHook);
    try {
      run(ip, "netns", "add", ns.name);
      run(ip, "-n", ns.name, "link", "add", a, "type", "veth", "peer", "name", b);
      run(ip, "-n", ns.name, "addr", "add", ns.address(1) + "/24", "dev", a);
      run(ip, "-n", ns.name, "addr", "add", ns.address(2) + "/24", "dev", b);
      run(ip, "-n", ns.name, "link", "set", a, "up");
      run(ip, "-n", ns.name, "link", "set", b, "up");
      run(ip, "-n", ns.name, "link", "set", "lo", "up");
    } catch (RuntimeException | Error e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /**
   * Three namespaces with no route between two of them: {@code middle} is joined to {@code left} and to
   * {@code right} by a veth pair each and does not forward (a new namespace's default), so the leaves
   * reach only the middle — a TURN server there is their one way to each other. On each leaf,
   * {@link #address address(1)} is the middle's end of its link and {@code address(2)} its own.
   */
  public record Isolated(NetNamespace middle, NetNamespace left, NetNamespace right) implements AutoCloseable {
    @Override
    public void close() {
      left.close();
      right.close();
      middle.close();
    }
  }

  public static Isolated createIsolated() {
    String ip = prepare();
    List<NetNamespace> made = new ArrayList<>();
    try {
      NetNamespace middle = bare(ip, made);
      NetNamespace left = bare(ip, made);
      NetNamespace right = bare(ip, made);
      link(ip, middle, left);
      link(ip, middle, right);
      return new Isolated(middle, left, right);
    } catch (RuntimeException | Error e) {
      made.forEach(NetNamespace::close);
      throw e;
    }
  }

  private static NetNamespace bare(String ip, List<NetNamespace> made) {
    int n = SEQUENCE.incrementAndGet();
    var ns = new NetNamespace(PREFIX + PID + "-" + n, (int) ((PID * 7 + n) % 250) + 1);
    made.add(ns);
    Runtime.getRuntime().addShutdownHook(ns.cleanupHook);
    run(ip, "netns", "add", ns.name);
    run(ip, "-n", ns.name, "link", "set", "lo", "up");
    return ns;
  }

  /** A veth pair from middle to leaf, on the leaf's subnet: middle .1, leaf .2. */
  private static void link(String ip, NetNamespace middle, NetNamespace leaf) {
    String m = "trj" + Long.toString(PID % 46656, 36) + leaf.name.substring(leaf.name.lastIndexOf('-') + 1) + "m";
    String l = m.substring(0, m.length() - 1) + "l";
    run(ip, "-n", middle.name, "link", "add", m, "type", "veth", "peer", "name", l, "netns", leaf.name);
    run(ip, "-n", middle.name, "addr", "add", leaf.address(1) + "/24", "dev", m);
    run(ip, "-n", leaf.name, "addr", "add", leaf.address(2) + "/24", "dev", l);
    run(ip, "-n", middle.name, "link", "set", m, "up");
    run(ip, "-n", leaf.name, "link", "set", l, "up");
  }

  /** iproute2's ip, after checking we are root and deleting namespaces a dead JVM of ours left. */
  private static String prepare() {
    String ip = ip();
    if (!"root".equals(ProcessHandle.current().info().user().orElse(""))) {
      throw new PeerMissing("root (network namespaces need CAP_SYS_ADMIN)", "iproute2",
          "running as " + ProcessHandle.current().info().user().orElse("?"));
    }
    deleteOrphans(ip);
    return ip;
  }

  public String name() {
    return name;
  }

  /** 198.18.N.host inside the namespace: host 1 is one veth end, host 2 the other. */
  public String address(int host) {
    if (host != 1 && host != 2) throw new IllegalArgumentException("host must be 1 or 2, got " + host);
    return "198.18." + subnet + "." + host;
  }

  /** The command, run inside the namespace. */
  public List<String> inside(List<String> command) {
    List<String> c = new ArrayList<>(List.of(ip(), "netns", "exec", name));
    c.addAll(command);
    return c;
  }

  /** Starts command inside the namespace as a peer (reaped like every {@link PeerProcess}). */
  public PeerProcess start(String peerName, List<String> command) {
    return PeerProcess.start(peerName, inside(command));
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs delete() again, which is harmless
    }
  }

  private void delete() {
    deleteNamespace(ip(), name);
  }

  private static void deleteNamespace(String ip, String name) {
    if (!Files.exists(Path.of("/run/netns", name))) return;
    // processes still inside keep the veth pair alive: kill them first
    String pids = runQuietly(ip, "netns", "pids", name);
    for (String pid : pids.split("\\s+")) {
      if (pid.matches("\\d+")) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
    }
    runQuietly(ip, "netns", "del", name);
  }

  /** Namespaces of ours whose JVM is gone (killed before its hooks ran). */
  private static void deleteOrphans(String ip) {
    try (Stream<Path> all = Files.list(Path.of("/run/netns"))) {
      all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(PREFIX)).forEach(n -> {
        String[] parts = n.substring(PREFIX.length()).split("-");
        if (parts[0].matches("\\d+") && ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) deleteNamespace(ip, n);
      });
    } catch (IOException e) {
      // no /run/netns yet: nothing left behind
    }
  }

  private static String ip() {
    for (String p : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
      if (Files.isExecutable(Path.of(p))) return p;
    }
    throw new PeerMissing("ip (iproute2, for network namespaces)", "iproute2", "no ip command in /usr/sbin, /sbin, /usr/bin, /bin");
  }

  private static void run(String... command) {
    var r = exec(command);
    if (r.code != 0) {
      throw new PeerMissing("network namespace setup (" + String.join(" ", command) + ")", "iproute2",
          "exit " + r.code + ": " + r.output.strip());
    }
  }

  private static String runQuietly(String... command) {
    return exec(command).output;
  }

  private record Result(int code, String output) {}

  private static Result exec(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " did not finish in 20 s");
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
