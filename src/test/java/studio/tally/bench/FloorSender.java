package studio.tally.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import studio.tally.server.webrtc.MmsgSender;

/**
 * The "kernel floor" of the WebRTC fan-out bench, alone in its JVM like our server: the cheapest a
 * user-space SFU could be on this kernel. It paces the same packets as {@link RtcSource} (the same
 * sizes as our server puts on the wire, 30 fps video bursts + 20 ms audio) and sends every source
 * packet as one plain datagram (no crypto) to each destination from Netty's native
 * {@link EpollDatagramChannel} socket through the server's own {@link MmsgSender}: a copy per
 * destination into its native batch, then ONE {@code sendmmsg} per source packet — as our server's
 * UdpBatch does (where the sender cannot open, Netty's write + flush, which also ends in sendmmsg).
 *
 * <p>Prints {@code PORT <n>} once its control port (127.0.0.1) listens; the driver connects and sends
 * lines: {@code FRAME s1 s2 ...} (one video access unit's datagram sizes, in order), {@code AUDIO s},
 * {@code START}, {@code DESTS host:port ...} (replaces the destinations; none = idle; answers
 * {@code OK n}), {@code SENT} (answers the source packets sent so far). End of input: exit.
 */
public final class FloorSender {
  private final List<int[]> frames = new ArrayList<>();
  private int audioSize = RtcSource.AUDIO_PAYLOAD;
  private EventLoop loop;
  private Channel channel;
  private ByteBuf bytes;
  private byte[] heapBytes;
  private MmsgSender mmsg;
  // written by the control thread, read on the loop: replaced whole, never mutated
  private volatile InetSocketAddress[] dests = new InetSocketAddress[0];
  private volatile long sent;
  // the loop's pacing state
  private long t0;
  private long videoFrame;
  private long audioFrame;

  private FloorSender() {}

  public static void main(String[] args) throws Exception {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("the kernel floor needs Netty's native epoll: " + Epoll.unavailabilityCause());
    }
    new FloorSender().serve();
  }

  private void serve() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("floor-udp", true),
        EpollIoHandler.newFactory());
    channel = new io.netty.bootstrap.Bootstrap().group(group).channel(EpollDatagramChannel.class)
        .option(ChannelOption.SO_SNDBUF, 4 << 20) // as our server's WebRTC socket
        .handler(new ChannelInboundHandlerAdapter())
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    loop = channel.eventLoop();
    mmsg = MmsgSender.open(channel);
    System.err.println("floor sender: " + (mmsg != null ? mmsg : "Netty epoll write + flush"));
    try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      System.out.println("PORT " + control.getLocalPort());
      System.out.flush();
      try (Socket s = control.accept();
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
          PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(command(line.trim()));
        }
      }
    } finally {
      group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }
  }

  private String command(String line) {
    String[] w = line.isEmpty() ? new String[] {""} : line.split("\\s+");
    try {
      switch (w[0]) {
        case "FRAME" -> {
          frames.add(Arrays.stream(w, 1, w.length).mapToInt(Integer::parseInt).toArray());
          return "OK " + frames.size();
        }
        case "AUDIO" -> {
          audioSize = Integer.parseInt(w[1]);
          return "OK";
        }
        case "START" -> {
          if (frames.isEmpty() || bytes != null) {
            return "ERR START: no FRAME yet, or started already";
          }
          int max = Math.max(audioSize, frames.stream().flatMapToInt(Arrays::stream).max().orElse(0));
          byte[] b = new byte[max];
          ThreadLocalRandom.current().nextBytes(b);
          b[0] = (byte) 0x80; // looks like RTP to anyone who peeks
          heapBytes = b;
          bytes = Unpooled.directBuffer(max).writeBytes(b); // never released: every datagram is a retained slice of it
          loop.execute(() -> {
            t0 = System.nanoTime();
            tick();
          });
          return "OK";
        }
        case "DESTS" -> {
          InetSocketAddress[] d = new InetSocketAddress[w.length - 1];
          for (int i = 1; i < w.length; i++) {
            int colon = w[i].lastIndexOf(':');
            if (colon <= 0) {
              return "ERR DESTS: '" + w[i] + "' is not host:port";
            }
            d[i - 1] = new InetSocketAddress(w[i].substring(0, colon), Integer.parseInt(w[i].substring(colon + 1)));
          }
          dests = d;
          return "OK " + d.length;
        }
        case "SENT" -> {
          return Long.toString(sent);
        }
        default -> {
          return "ERR unknown command '" + w[0] + "' (FRAME, AUDIO, START, DESTS, SENT)";
        }
      }
    } catch (RuntimeException e) {
      return "ERR " + w[0] + ": " + e;
    }
  }

  /** On the loop: sends every packet that is due, then sleeps (a scheduled task) until the next one. */
  private void tick() {
    long now = System.nanoTime();
    while (true) {
      long videoAt = t0 + videoFrame * 1_000_000_000L / RtcSource.FPS;
      long audioAt = t0 + audioFrame * 20_000_000L;
      long next = Math.min(videoAt, audioAt);
      if (next > now) {
        loop.schedule(this::tick, next - now, TimeUnit.NANOSECONDS);
        return;
      }
      if (videoAt <= audioAt) {
        for (int size : frames.get((int) (videoFrame % frames.size()))) {
          fanOut(size);
        }
        videoFrame++;
      } else {
        fanOut(audioSize);
        audioFrame++;
      }
    }
  }

  /** One source packet to every destination: a write each, one flush (sendmmsg batches). */
  private void fanOut(int size) {
    InetSocketAddress[] d = dests;
    if (mmsg != null) {
      for (InetSocketAddress to : d) {
        if (mmsg.full()) {
          mmsg.flush();
        }
        mmsg.add(heapBytes, 0, size, to);
      }
      mmsg.flush();
      sent = sent + 1;
      return;
    }
    for (InetSocketAddress to : d) {
      channel.write(new DatagramPacket(bytes.retainedSlice(0, size), to), channel.voidPromise());
    }
    if (d.length > 0) {
      channel.flush();
    }
    sent = sent + 1;
  }
}
