package studio.tally.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import studio.tally.testing.PeerProcess;

/**
 * The driver's side of the kernel floor: the {@link FloorSender} child JVM (its control connection)
 * and its players, plain UDP sockets on the WebRTC load generator's loops that only count what they
 * get — the same receive side as the WHEP players, minus SRTP.
 */
final class KernelFloor implements AutoCloseable {
  /** A floor player: counts datagrams and bytes (written on its loop, sampled by the driver). */
  static final class Player extends SimpleChannelInboundHandler<DatagramPacket> {
    volatile long packets;
    volatile long bytes;
    private Channel channel;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      packets = packets + 1;
      bytes = bytes + packet.content().readableBytes();
    }
  }

  private final PeerProcess process;
  private final Socket control;
  private final BufferedReader in;
  private final PrintWriter out;
  private final RtcLoadGen sockets;
  private final List<Player> players = new ArrayList<>();

  /**
   * Starts the sender and gives it the source: {@code frames} as {@link RtcSource} paces them, each
   * payload grown by {@code overhead} bytes (RTP header + SRTP tag: the size our server sends).
   */
  KernelFloor(List<String> jvm, List<RtcSource.Frame> frames, int overhead, RtcLoadGen sockets) throws Exception {
    List<String> cmd = new ArrayList<>(jvm);
    cmd.add(FloorSender.class.getName());
    this.process = PeerProcess.start("floor-sender", cmd);
    this.control = new Socket("127.0.0.1", waitForPort(process));
    this.in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII));
    this.out = new PrintWriter(control.getOutputStream(), true, StandardCharsets.US_ASCII);
    this.sockets = sockets;
    for (RtcSource.Frame f : frames) {
      StringBuilder b = new StringBuilder("FRAME");
      f.payloads().forEach(p -> b.append(' ').append(p.length + overhead));
      ask(b.toString());
    }
    ask("AUDIO " + (RtcSource.AUDIO_PAYLOAD + overhead));
    ask("START");
  }

  /** Waits for a child JVM's {@code PORT <n>} line on stdout. */
  static int waitForPort(PeerProcess p) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Pattern portLine = Pattern.compile("PORT (\\d+)");
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (Files.exists(p.stdoutFile())) {
        Matcher m = portLine.matcher(Files.readString(p.stdoutFile()));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(p.name() + " did not start\n" + p.describe());
  }

  private synchronized String ask(String line) throws IOException {
    out.println(line);
    String answer = in.readLine();
    if (answer == null || answer.startsWith("ERR")) {
      throw new IOException("floor sender: '" + line.split(" ")[0] + "' -> " + answer + "\n" + process.describe());
    }
    return answer;
  }

  long pid() {
    return process.pid();
  }

  /** Source packets the sender has sent so far (each went to every player). */
  long sent() throws IOException {
    return Long.parseLong(ask("SENT"));
  }

  List<Player> players() {
    return players;
  }

  /** Adds {@code n} players: opens their sockets, then tells the sender the whole list. */
  void add(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      Player p = new Player();
      p.channel = sockets.bind(p);
      players.add(p);
    }
    StringBuilder b = new StringBuilder("DESTS");
    for (Player p : players) {
      InetSocketAddress a = (InetSocketAddress) p.channel.localAddress();
      b.append(' ').append(a.getAddress().getHostAddress()).append(':').append(a.getPort());
    }
    ask(b.toString());
  }

  /** The sender stops sending to anyone; the players' sockets close. */
  void closeAll() throws IOException {
    ask("DESTS");
    players.forEach(p -> p.channel.close().syncUninterruptibly());
    players.clear();
  }

  @Override
  public void close() throws IOException {
    try {
      closeAll();
    } finally {
      control.close(); // end of input: the sender exits
      process.stop();
    }
  }
}
