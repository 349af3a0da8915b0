package studio.tally.server.webrtc;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import studio.tally.proto.rtp.GenericNack;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.FfmpegProcess;

/**
 * A WHIP publisher whose media is real: FFmpeg 8.1 sends H.264 (baseline, SPS/PPS before each
 * keyframe) and Opus as plain RTP + RTCP Sender Reports to local sockets; this relay passes each
 * packet through a {@link Mangler} (a test's bad input: sequence jumps, wild SR times, loss) and
 * sends it SRTP-protected through a connected {@link WhipTestPeer}. NACKs from the server are answered
 * from a cache of the video packets (plain retransmission, RFC 4585), like a real publisher.
 */
final class FfmpegRtpRelay implements AutoCloseable {

  /** Rewrites or drops (null) what FFmpeg sent; {@code elapsedMs} since the relay started. */
  interface Mangler {
    byte[] rtp(boolean video, byte[] packet, long elapsedMs);

    /** The RTCP packets to send for one FFmpeg sent (none, it, or more). */
    default List<byte[]> rtcp(boolean video, byte[] packet, long elapsedMs) {
      return List.of(packet);
    }
  }

  private final WhipTestPeer peer;
  private final Mangler mangler;
  private final List<DatagramSocket> sockets = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final FfmpegProcess ffmpeg;
  private final long start = System.nanoTime();
  private final Map<Integer, byte[]> sentVideo = new LinkedHashMap<>(4096, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> e) {
      return size() > 4096;
    }
  };
  private final double loss;
  private final java.util.Random random = new java.util.Random(1234);
  final AtomicLong retransmitted = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param loss share (0..1) of RTP packets not sent the first time (video ones are still answered
   *     when NACKed), as a lossy network would
   */
  FfmpegRtpRelay(WhipTestPeer peer, Duration duration, double loss, Mangler mangler) throws SocketException {
    this.peer = peer;
    this.mangler = mangler;
    this.loss = loss;
    DatagramSocket videoRtp = socket();
    DatagramSocket videoRtcp = socket();
    DatagramSocket audioRtp = socket();
    DatagramSocket audioRtcp = socket();
    forward(videoRtp, true, false);
    forward(videoRtcp, true, true);
    forward(audioRtp, false, false);
    forward(audioRtcp, false, true);
    threads.add(Thread.ofVirtual().name("relay-nack").start(this::answerNacks));
    ffmpeg = Ffmpeg.bundled().start(List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", Long.toString(duration.toSeconds()),
        "-map", "0:v", "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-preset", "ultrafast",
        "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "800k", "-bsf:v", "dump_extra",
        "-payload_type", Integer.toString(WhipTestPeer.VIDEO_PT), "-ssrc", Integer.toString(WhipTestPeer.VIDEO_SSRC),
        "-f", "rtp", url(videoRtp, videoRtcp),
        "-map", "1:a", "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", "64k",
        "-payload_type", Integer.toString(WhipTestPeer.AUDIO_PT), "-ssrc", Integer.toString(WhipTestPeer.AUDIO_SSRC),
        "-f", "rtp", url(audioRtp, audioRtcp)));
  }

  private static String url(DatagramSocket rtp, DatagramSocket rtcp) {
    return "rtp://127.0.0.1:" + rtp.getLocalPort() + "?rtcpport=" + rtcp.getLocalPort() + "&pkt_size=1200";
  }

  private DatagramSocket socket() throws SocketException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    sockets.add(s);
    return s;
  }

  private long elapsedMs() {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private void forward(DatagramSocket s, boolean video, boolean rtcp) {
    threads.add(Thread.ofVirtual().name("relay-" + (video ? "v" : "a") + (rtcp ? "c" : "")).start(() -> {
      byte[] buf = new byte[2048];
      while (!closed) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          s.receive(p);
        } catch (Exception e) {
          return;
        }
        byte[] in = java.util.Arrays.copyOf(p.getData(), p.getLength());
        if (rtcp) {
          mangler.rtcp(video, in, elapsedMs()).forEach(b -> send(b, true));
          continue;
        }
        byte[] out = mangler.rtp(video, in, elapsedMs());
        if (out == null) continue;
        if (video) {
          synchronized (sentVideo) {
            sentVideo.put(((out[2] & 0xff) << 8) | (out[3] & 0xff), out);
          }
        }
        boolean lost;
        synchronized (random) {
          lost = random.nextDouble() < loss;
        }
        if (lost) {
          dropped.incrementAndGet();
          continue;
        }
        send(out, false);
      }
    }));
  }

  private void answerNacks() {
    while (!closed) {
      byte[] p;
      try {
        p = peer.client.awaitRtp(Duration.ofMillis(200));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        continue; // not decryptable (replayed), keep reading
      }
      if (p == null || !RtcTransport.isRtcp(p[1])) continue;
      List<RtcpPacket> packets;
      try {
        packets = RtcpPacket.parseCompound(io.netty.buffer.Unpooled.wrappedBuffer(p));
      } catch (RuntimeException e) {
        continue;
      }
      for (RtcpPacket r : packets) {
        if (r instanceof GenericNack nack && nack.mediaSsrc() == WhipTestPeer.VIDEO_SSRC) {
          for (int seq : nack.lost()) {
            byte[] cached;
            synchronized (sentVideo) {
              cached = sentVideo.remove(seq);
            }
            if (cached != null) {
              retransmitted.incrementAndGet();
              send(cached, false);
            }
          }
        }
      }
    }
  }

  /** SRTP contexts are not thread-safe: one sender at a time. */
  private void send(byte[] plain, boolean rtcp) {
    synchronized (peer.client) {
      peer.client.sendRaw(rtcp ? peer.client.protectRtcp(plain) : peer.client.protectRtp(plain));
    }
  }

  FfmpegProcess ffmpeg() {
    return ffmpeg;
  }

  @Override
  public void close() {
    closed = true;
    ffmpeg.close();
    sockets.forEach(DatagramSocket::close);
    threads.forEach(Thread::interrupt);
  }
}
