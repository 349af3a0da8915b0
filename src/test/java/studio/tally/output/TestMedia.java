package studio.tally.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import studio.tally.media.EncodedPacket;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * Real H.264 + AAC packets for output tests, without the media layer: a checked-in 5 s FLV parsed
 * into {@link EncodedPacket}s and a {@link StreamFormat}. Made once with Debian's ffmpeg 5.1:
 *
 * <pre>
 * ffmpeg -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t 5 \
 *   -c:v libx264 -preset veryfast -profile:v main -g 25 -keyint_min 25 -sc_threshold 0 -b:v 250k \
 *   -pix_fmt yuv420p -c:a aac -b:a 64k -ac 2 -f flv testsrc-5s.flv
 * </pre>
 * (main profile with B-frames, so pts != dts and some frames are disposable.)
 */
final class TestMedia {
  static final TestMedia FIVE_SECONDS = load("testsrc-5s.flv");
  /**
   * HEVC in Enhanced RTMP FLV (FourCC hvc1), 3 s, made with the bundled FFmpeg 8.1 (Debian's 5.1 cannot):
   * {@code ffmpeg ... -t 3 -c:v libx265 -preset veryfast -x265-params keyint=25:min-keyint=25:bframes=0
   * -b:v 200k -pix_fmt yuv420p -c:a aac -b:a 48k -ac 2 -f flv hevc-3s.flv} (same lavfi inputs).
   */
  static final TestMedia HEVC = load("hevc-3s.flv");

  final StreamFormat format;
  final List<EncodedPacket> packets;
  /** Media length of one pass, microseconds; the loop adds it to every timestamp. */
  final long loopMicros;

  private TestMedia(StreamFormat format, List<EncodedPacket> packets, long loopMicros) {
    this.format = format;
    this.packets = packets;
    this.loopMicros = loopMicros;
  }

  /** Minimal FLV reader (FLV spec 10.1 annex E): header, then tags with 11-byte headers. */
  static TestMedia load(String resource) {
    byte[] file;
    try (InputStream in = TestMedia.class.getResourceAsStream(resource)) {
      file = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuffer b = ByteBuffer.wrap(file);
    b.position(b.getInt(5) + 4); // header size, then PreviousTagSize0
    byte[] avcC = null;
    String codec = "h264";
    byte[] asc = null;
    List<EncodedPacket> packets = new ArrayList<>();
    long lastVideo = 0, lastAudio = 0;
    while (b.remaining() >= 15) {
      int type = b.get() & 0x1F;
      int size = (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | (b.get() & 0xFF);
      long ts = ((b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | (b.get() & 0xFF)) | (long) (b.get() & 0xFF) << 24;
      b.position(b.position() + 3);
      byte[] body = new byte[size];
      b.get(body);
      b.getInt();
      if (type == 9 && (body[0] & 0x80) != 0) { // Enhanced RTMP: |1|frame type(3)|packet type(4)| FourCC
        boolean key = (body[0] >> 4 & 7) == 1;
        int packetType = body[0] & 0x0F;
        codec = switch (new String(body, 1, 4, java.nio.charset.StandardCharsets.US_ASCII)) {
          case "hvc1" -> "hevc";
          case "av01" -> "av1";
          default -> throw new IllegalStateException("unexpected FourCC in " + resource);
        };
        if (packetType == 0) {
          avcC = Arrays.copyOfRange(body, 5, body.length);
        } else if (packetType == 1 || packetType == 3) {
          int cts = packetType == 1 && codec.equals("hevc") ? (body[5] << 16 | (body[6] & 0xFF) << 8 | (body[7] & 0xFF)) : 0;
          int start = packetType == 1 && codec.equals("hevc") ? 8 : 5;
          long dts = ts * 1000;
          packets.add(new EncodedPacket(EncodedPacket.Track.VIDEO, dts + cts * 1000L, dts, key, Arrays.copyOfRange(body, start, body.length)));
          lastVideo = ts;
        }
      } else if (type == 9 && (body[0] & 0x0F) == 7) {
        boolean key = (body[0] & 0xF0) == 0x10;
        if (body[1] == 0) {
          avcC = Arrays.copyOfRange(body, 5, body.length);
        } else if (body[1] == 1) {
          int cts = (body[2] << 16 | (body[3] & 0xFF) << 8 | (body[4] & 0xFF));
          long dts = ts * 1000;
          packets.add(new EncodedPacket(EncodedPacket.Track.VIDEO, dts + cts * 1000L, dts, key, Arrays.copyOfRange(body, 5, body.length)));
          lastVideo = ts;
        }
      } else if (type == 8 && (body[0] & 0xF0) == 0xA0) {
        if (body[1] == 0) {
          asc = Arrays.copyOfRange(body, 2, body.length);
        } else {
          packets.add(new EncodedPacket(EncodedPacket.Track.AUDIO, ts * 1000, ts * 1000, true, Arrays.copyOfRange(body, 2, body.length)));
          lastAudio = ts;
        }
      }
    }
    var format = new StreamFormat(
        new StreamFormat.Video(codec, 320, 240, 25, 250, avcC, codec.equals("h264") ? "libx264" : "libx265"),
        new StreamFormat.Audio("aac", 44100, 2, 64, asc));
    long loop = (Math.max(lastVideo + 40, lastAudio + 24)) * 1000;
    return new TestMedia(format, List.copyOf(packets), loop);
  }

  /** Feeds a sink in real time (looping) on its own thread until stopped. */
  static final class Replay implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long packetsFed;

    Replay(TestMedia media, PacketSink sink, double speed) {
      thread = Thread.ofPlatform().daemon().name("test-replay").start(() -> {
        sink.onFormat(media.format);
        long start = System.nanoTime();
        for (int pass = 0; running; pass++) {
          long offset = pass * media.loopMicros;
          for (EncodedPacket p : media.packets) {
            if (!running) return;
            long due = start + (long) ((p.dtsMicros() + offset) * 1000 / speed);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              } catch (InterruptedException e) {
                return;
              }
            }
            sink.onPacket(new EncodedPacket(p.track(), p.ptsMicros() + offset, p.dtsMicros() + offset, p.keyframe(), p.data()));
            packetsFed++;
          }
        }
      });
    }

    static Replay realTime(PacketSink sink) {
      return new Replay(FIVE_SECONDS, sink, 1.0);
    }

    static Replay realTime(TestMedia media, PacketSink sink) {
      return new Replay(media, sink, 1.0);
    }

    long packetsFed() {
      return packetsFed;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
