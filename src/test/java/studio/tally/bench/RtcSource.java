package studio.tally.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import studio.tally.proto.rtp.H264Packetizer;

/**
 * The WebRTC source: an H.264 Annex-B file (encoded once, access units delimited by AUDs) cut into
 * RTP payloads with {@link H264Packetizer}, sent by a WHIP {@link RtcPeer} in real time at 30 fps and
 * looped, with timestamps and sequence numbers running on across loops; plus Opus-sized audio
 * packets (160 bytes every 20 ms, ~64 kbit/s). The payloads are made once; per packet only the RTP
 * header is written and SRTP applied, on the pacer's own thread.
 */
final class RtcSource implements AutoCloseable {
  static final int FPS = 30;
  static final int AUDIO_PAYLOAD = 160;
  static final int AUDIO_SSRC = 0x0A0D1000;
  static final int VIDEO_SSRC = 0x0B1DE000;
  private static final int MAX_OVERHEAD = 32;

  /** One access unit's RTP payloads; the last one carries the marker. */
  record Frame(List<byte[]> payloads) {}

  private final RtcPeer peer;
  private final List<Frame> frames;
  private final Thread pacer;
  private volatile boolean running = true;
  volatile long packetsSent;
  volatile long bytesSent;

  RtcSource(RtcPeer peer, List<Frame> frames) {
    this.peer = peer;
    this.frames = frames;
    this.pacer = Thread.ofPlatform().daemon().name("rtc-bench-source").start(this::pace);
  }

  /** Reads an Annex-B file whose access units start with an AUD (NAL type 9) and packetizes each. */
  static List<Frame> packetize(Path annexB) throws IOException {
    byte[] all = Files.readAllBytes(annexB);
    List<int[]> nals = new ArrayList<>(); // [start, end) without the start code
    int i = 0;
    int start = -1;
    while (i + 3 <= all.length) {
      if (all[i] == 0 && all[i + 1] == 0 && (all[i + 2] == 1 || (i + 4 <= all.length && all[i + 2] == 0 && all[i + 3] == 1))) {
        int sc = all[i + 2] == 1 ? 3 : 4;
        if (start >= 0) {
          nals.add(new int[] {start, i});
        }
        start = i + sc;
        i += sc;
      } else {
        i++;
      }
    }
    if (start >= 0) {
      nals.add(new int[] {start, all.length});
    }
    H264Packetizer packetizer = new H264Packetizer(ByteBufAllocator.DEFAULT);
    List<Frame> frames = new ArrayList<>();
    List<ByteBuf> au = new ArrayList<>();
    for (int[] n : nals) {
      int type = all[n[0]] & 0x1F;
      if (type == 9) { // access unit delimiter: flush the previous unit, drop the AUD itself
        flush(packetizer, au, frames);
        continue;
      }
      int end = n[1];
      while (end > n[0] && all[end - 1] == 0) { // trailing zero bytes belong to the next start code
        end--;
      }
      au.add(Unpooled.wrappedBuffer(all, n[0], end - n[0]));
    }
    flush(packetizer, au, frames);
    if (frames.isEmpty()) {
      throw new IOException(annexB + ": no access units (AUDs missing?)");
    }
    return frames;
  }

  private static void flush(H264Packetizer packetizer, List<ByteBuf> au, List<Frame> frames) {
    if (au.isEmpty()) {
      return;
    }
    List<H264Packetizer.Payload> out = new ArrayList<>();
    packetizer.packetize(au, out);
    List<byte[]> payloads = new ArrayList<>();
    for (H264Packetizer.Payload p : out) {
      byte[] bytes = new byte[p.bytes().readableBytes()];
      p.bytes().readBytes(bytes);
      p.bytes().release();
      payloads.add(bytes);
    }
    frames.add(new Frame(payloads));
    au.clear();
  }

  /** Average bit rate of the video payloads (RTP payload bytes only), bit/s. */
  static double videoBitrate(List<Frame> frames) {
    long bytes = frames.stream().flatMap(f -> f.payloads().stream()).mapToLong(p -> p.length).sum();
    return bytes * 8.0 * FPS / frames.size();
  }

  /** RTP packets per second of the source (video + audio). */
  static double packetRate(List<Frame> frames) {
    return frames.stream().mapToInt(f -> f.payloads().size()).sum() * (double) FPS / frames.size() + 50;
  }

  private void pace() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int videoSeq = r.nextInt(1 << 16);
    int audioSeq = r.nextInt(1 << 16);
    long videoTs0 = r.nextLong(1L << 32);
    long audioTs0 = r.nextLong(1L << 32);
    byte[] audio = new byte[AUDIO_PAYLOAD];
    r.nextBytes(audio);
    long t0 = System.nanoTime();
    long videoFrame = 0;
    long audioFrame = 0;
    while (running) {
      long videoAt = t0 + videoFrame * 1_000_000_000L / FPS;
      long audioAt = t0 + audioFrame * 20_000_000L;
      long next = Math.min(videoAt, audioAt);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      if (videoAt <= audioAt) {
        Frame f = frames.get((int) (videoFrame % frames.size()));
        long ts = videoTs0 + videoFrame * (90_000 / FPS);
        for (int k = 0; k < f.payloads().size(); k++) {
          send(RtcSignaling.H264_PT, k == f.payloads().size() - 1, videoSeq++, ts, VIDEO_SSRC, f.payloads().get(k));
        }
        videoFrame++;
      } else {
        send(RtcSignaling.OPUS_PT, false, audioSeq++, audioTs0 + audioFrame * 960, AUDIO_SSRC, audio);
        audioFrame++;
      }
    }
  }

  private void send(int pt, boolean marker, int seq, long ts, int ssrc, byte[] payload) {
    ByteBuf b = Unpooled.buffer(12 + payload.length + MAX_OVERHEAD);
    b.writeByte(0x80).writeByte((marker ? 0x80 : 0) | pt).writeShort(seq).writeInt((int) ts).writeInt(ssrc)
        .writeBytes(payload);
    int n = b.readableBytes();
    peer.sendRtp(b);
    packetsSent = packetsSent + 1;
    bytesSent = bytesSent + n;
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(pacer);
    try {
      pacer.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
