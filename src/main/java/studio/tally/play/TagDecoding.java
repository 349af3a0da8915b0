package studio.tally.play;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.capture.Timecode;
import studio.tally.media.decode.AudioDecoder;
import studio.tally.media.decode.DecodedPicture;
import studio.tally.media.decode.VideoDecoder;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.flv.AudioCodec;
import studio.tally.proto.flv.AudioTagHeader;
import studio.tally.proto.flv.FlvTag;
import studio.tally.proto.flv.VideoCodec;
import studio.tally.proto.flv.VideoTagHeader;

/**
 * The player's decode thread: tags from the network thread are copied into a queue (bounded by
 * bytes: above {@link #HIGH_WATER} the source stops reading until the thread has caught up below
 * {@link #LOW_WATER}, so nothing is dropped and nothing grows without bound), then every frame is
 * decoded — headless too, so each picture is counted and its time code read — and reported to the
 * {@link QaMeter}. Decoders open from the sequence headers and reopen when the config changes.
 */
final class TagDecoding implements AutoCloseable {
  static final long HIGH_WATER = 8 << 20;
  static final long LOW_WATER = 2 << 20;

  private record Unit(int type, long timestampMs, byte[] body, long arrivalNanos) {}

  private static final Unit STOP = new Unit(-1, 0, new byte[0], 0);

  private final QaMeter meter;
  private final PlayerListener listener;
  private final Consumer<PlayFailure> fail;
  private final Consumer<Boolean> reading;
  private final LinkedBlockingQueue<Unit> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private volatile boolean paused;
  private final Thread thread;
  // decode thread only
  private VideoDecoder video;
  private byte[] videoConfig;
  private AudioDecoder audio;
  private byte[] audioConfig;
  private long lastRejected;

  TagDecoding(String name, QaMeter meter, PlayerListener listener, Consumer<PlayFailure> fail, Consumer<Boolean> reading) {
    this.meter = meter;
    this.listener = listener;
    this.fail = fail;
    this.reading = reading;
    this.thread = Thread.ofPlatform().name("tally-play-decode " + name).daemon().start(this::run);
  }

  /** Network thread: copies the body (the caller keeps it) and queues it. */
  void offer(int type, long timestampMs, ByteBuf body, long nanos) {
    if (type != FlvTag.AUDIO && type != FlvTag.VIDEO) return;
    meter.bytes(nanos, type == FlvTag.VIDEO, body.readableBytes());
    byte[] bytes = ByteBufUtil.getBytes(body);
    queue.add(new Unit(type, timestampMs, bytes, nanos));
    if (queuedBytes.addAndGet(bytes.length) > HIGH_WATER && !paused) {
      paused = true;
      reading.accept(false);
    }
  }

  private void run() {
    try {
      Av.loadCodecs(); // FFmpeg's natives load while the network connects, not after the first tag arrives
      while (true) {
        Unit u = queue.poll(1, TimeUnit.SECONDS);
        if (u == STOP) return;
        if (u == null) continue;
        if (queuedBytes.addAndGet(-u.body().length) < LOW_WATER && paused) {
          paused = false;
          reading.accept(true);
        }
        try {
          if (u.type() == FlvTag.VIDEO) video(u);
          else audio(u);
        } catch (ProtocolException e) {
          meter.dropped(1); // a tag we cannot parse is a frame nobody sees
        } catch (MediaException e) {
          fail.accept(new PlayFailure(PlayFailure.Kind.BAD_STREAM, e.getMessage()));
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (video != null) video.close();
      if (audio != null) audio.close();
    }
  }

  private void video(Unit u) {
    var body = io.netty.buffer.Unpooled.wrappedBuffer(u.body());
    VideoTagHeader h = VideoTagHeader.parse(body);
    int at = h.payloadOffset();
    if (h.isSequenceHeader()) {
      byte[] config = Arrays.copyOfRange(u.body(), at, u.body().length);
      if (video != null && Arrays.equals(config, videoConfig)) return;
      VideoDecoder.Codec codec = switch (h.codec()) {
        case AVC -> VideoDecoder.Codec.H264;
        case HEVC -> VideoDecoder.Codec.HEVC;
        case AV1 -> VideoDecoder.Codec.AV1;
        default -> throw new MediaException("video codec " + h.codec().apiName() + " is not one we decode (H.264, HEVC, AV1)");
      };
      if (video != null) video.close();
      video = null;
      lastRejected = 0;
      video = VideoDecoder.open(codec, config);
      videoConfig = config;
      meter.codecs(h.codec().apiName(), null);
      return;
    }
    if (!h.isCodedFrame()) return;
    if (video == null) {
      if (h.codec() != VideoCodec.AVC && h.codec() != VideoCodec.HEVC && h.codec() != VideoCodec.AV1) {
        throw new MediaException("video codec " + h.codec().apiName() + " is not one we decode (H.264, HEVC, AV1)");
      }
      meter.dropped(1); // coded video before its sequence header cannot be decoded
      return;
    }
    long dts = u.timestampMs() * 1000;
    long pts = dts + h.compositionTime() * 1000L;
    video.decode(u.body(), at, u.body().length - at, pts, dts, h.isKeyframe(), this::picture);
    long rejected = video.rejected();
    if (rejected > lastRejected) {
      meter.dropped(rejected - lastRejected);
      lastRejected = rejected;
    }
  }

  private void picture(DecodedPicture p) {
    long now = System.nanoTime();
    Timecode tc = p.timecode().orElse(null);
    meter.picture(now, p.width(), p.height(), p.ptsMicros(), tc == null ? -1 : tc.frame(),
        tc == null ? 0 : tc.wallMillis(), System.currentTimeMillis());
    listener.onPicture(p);
  }

  private void audio(Unit u) {
    var body = io.netty.buffer.Unpooled.wrappedBuffer(u.body());
    AudioTagHeader h = AudioTagHeader.parse(body);
    int at = h.payloadOffset();
    AudioDecoder.Codec codec = h.codec() == AudioCodec.AAC ? AudioDecoder.Codec.AAC
        : h.codec() == AudioCodec.OPUS ? AudioDecoder.Codec.OPUS : null;
    if (codec == null) {
      meter.codecs(null, h.codec().apiName()); // counted in the bitrate, not decoded
      return;
    }
    if (h.isSequenceHeader()) {
      byte[] config = Arrays.copyOfRange(u.body(), at, u.body().length);
      if (audio != null && Arrays.equals(config, audioConfig)) return;
      if (audio != null) audio.close();
      audio = null;
      audio = AudioDecoder.open(codec, config);
      audioConfig = config;
      meter.codecs(null, h.codec().apiName());
      return;
    }
    if (audio == null) return;
    audio.decode(u.body(), at, u.body().length - at, u.timestampMs() * 1000,
        a -> meter.audio(System.nanoTime(), a.ptsMicros(), a.samples(), a.sampleRate(), a.channels()));
  }

  @Override
  public void close() {
    queue.clear();
    queue.add(STOP);
    if (Thread.currentThread() != thread) {
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
