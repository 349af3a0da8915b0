package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.hub.AccessUnit;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.MediaTrack;
import studio.tally.server.hub.Subscriber;
import studio.tally.server.hub.UnitReader;
import studio.tally.server.webrtc.sdp.Negotiated;
import studio.tally.server.webrtc.sfu.RtcSubscriberSession;
import studio.tally.server.webrtc.sfu.RtpFeed;
import studio.tally.server.webrtc.sfu.RtpSource;

/**
 * One RTMP stream mapped for its WebRTC players: reads the hub's neutral form (a {@link UnitReader},
 * so it starts from the hub's cached GOP) and feeds the stream's {@link RtpFeed}: H.264 through
 * {@link H264ToRtp} (or HEVC and AV1 from Enhanced RTMP through {@link H265ToRtp} and {@link Av1ToRtp}), AAC transcoded to Opus 48 kHz stereo ({@link AudioTranscoder}) and sent through
 * {@link OpusToRtp}. It keeps the RTP packets since the last keyframe, so a player that joins gets
 * that GOP at once instead of waiting for the encoder's next keyframe (an RTMP publisher cannot be
 * asked for one). Players' NACKs are answered from the feed's packet cache. Sends a sender report per
 * track every second (both tracks on the stream's one clock, so players can sync them). Everything
 * runs on one event loop.
 */
final class RtmpToRtcBridge implements UnitReader, RtpSource {
  private static final Logger log = LoggerFactory.getLogger(RtmpToRtcBridge.class);
  /** The cached GOP is dropped (players then wait for the next keyframe) above this many bytes. */
  static final long GOP_CACHE_MAX_BYTES = 16L << 20;
  /** Seconds with no player before a bridge stops by itself (a player that never connected). */
  private static final int IDLE_TICKS = 5;

  private final LiveStream stream;
  private final EventExecutor loop;
  private final ByteBufAllocator alloc;
  private final InstantSource clock;
  private final AudioTranscoderFactory transcoders;
  private final BridgeCounters counters;
  private final boolean dropBFrames;
  private final Runnable onClosed;
  private final Negotiated.Media video;
  private final Negotiated.Media audio;
  /** H.264, HEVC or AV1, as the stream's video track is (null without a video track we map). */
  private final VideoToRtp videoRtp;
  private final MediaTrack.Codec videoCodec;
  private final OpusToRtp opus;
  private final ArrayDeque<RtpFeed.Packet> gop = new ArrayDeque<>();
  private long gopBytes;
  private boolean gopOverflow;
  private RtpFeed feed;
  private AutoCloseable reading;
  private AudioTranscoder transcoder;
  private boolean audioDropLogged;
  private ScheduledFuture<?> ticker;
  private int idleTicks;
  /** Stream time = monotonic millis - this (the smallest difference seen: arrival is never early). */
  private long clockOffsetMillis = Long.MAX_VALUE;
  private boolean closed;
  private final AtomicLong videoPackets = new AtomicLong();
  private final AtomicLong audioPackets = new AtomicLong();
  private final AtomicLong replays = new AtomicLong();
  private volatile long bFramesDropped;
  /** How long after its stream time each track's units are ready to leave (ms, mean over the last second; see sendLag). */
  private final SendLag audioLag = new SendLag();
  private final SendLag videoLag = new SendLag();

  RtmpToRtcBridge(LiveStream stream, EventExecutor loop, ByteBufAllocator alloc, InstantSource clock,
      AudioTranscoderFactory transcoders, BridgeCounters counters, boolean dropBFrames, Runnable onClosed) {
    this.stream = stream;
    this.loop = loop;
    this.alloc = alloc;
    this.clock = clock;
    this.transcoders = transcoders;
    this.counters = counters;
    this.dropBFrames = dropBFrames;
    this.onClosed = onClosed;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    this.opus = new OpusToRtp(alloc, r.nextInt(), r.nextLong(1L << 32), r.nextInt(1 << 16));
    Negotiated.Media v = null;
    Negotiated.Media a = null;
    VideoToRtp vr = null;
    MediaTrack.Codec vc = null;
    for (MediaTrack t : stream.tracks()) {
      if (v == null && (t.codec() == MediaTrack.Codec.H264 || t.codec() == MediaTrack.Codec.HEVC
          || t.codec() == MediaTrack.Codec.AV1)) {
        VideoToRtp candidate = switch (t.codec()) {
          case H264 -> new H264ToRtp(alloc, r.nextInt(), r.nextLong(1L << 32), r.nextInt(1 << 16));
          case HEVC -> new H265ToRtp(alloc, r.nextInt(), r.nextLong(1L << 32), r.nextInt(1 << 16));
          default -> new Av1ToRtp(alloc, r.nextInt(), r.nextLong(1L << 32), r.nextInt(1 << 16));
        };
        try {
          v = media(Negotiated.Kind.VIDEO, candidate.codec(t.config()));
          vr = candidate;
          vc = t.codec();
        } catch (ProtocolException | IndexOutOfBoundsException e) {
          log.warn("stream {}: bad {} sequence header, no video for WebRTC players: {}", stream.key(), t.codec(),
              e.getMessage());
        }
      } else if (t.codec() == MediaTrack.Codec.AAC || t.codec() == MediaTrack.Codec.OPUS) {
        if (t.codec() == MediaTrack.Codec.AAC && transcoders == null) {
          continue; // video only; onAac says so once and counts what it drops
        }
        a = media(Negotiated.Kind.AUDIO, new Negotiated.CodecChoice(OpusToRtp.PAYLOAD_TYPE, "opus", 48000, 2,
            Map.of("minptime", "10", "useinbandfec", "1")));
      }
    }
    this.video = v;
    this.audio = a;
    this.videoRtp = vr;
    this.videoCodec = vc;
  }

  private static Negotiated.Media media(Negotiated.Kind kind, Negotiated.CodecChoice codec) {
    return new Negotiated.Media(kind, kind == Negotiated.Kind.AUDIO ? 0 : 1, kind.name().toLowerCase(), codec, null,
        Set.of(), Map.of(), List.of());
  }

  /** Whether the RTMP stream has anything a WebRTC player can get. */
  boolean hasMedia() {
    return video != null || audio != null;
  }

  /** Starts reading the RTMP stream into {@code feed} (the stream's source is this bridge from now on). */
  void start(RtpFeed feed) {
    this.feed = feed;
    loop.execute(() -> {
      if (closed) {
        return;
      }
      Optional<AutoCloseable> r = stream.read(this);
      if (r.isEmpty()) {
        close("the RTMP stream ended");
        return;
      }
      reading = r.get();
      ticker = loop.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
      log.info("stream {}: RTMP -> WebRTC bridge started (video {}, audio {}{})", stream.key(),
          video == null ? "none" : video.codec().name() + " " + video.codec().fmtp(),
          audio == null ? "none" : "opus/48000/2", dropBFrames ? ", B-frames dropped" : "");
    });
  }

  @Override
  public EventExecutor executor() {
    return loop;
  }

  // ------------------------------------------------------------------ RtpSource (any thread)

  @Override
  public Optional<Negotiated.Media> media(Negotiated.Kind kind) {
    return Optional.ofNullable(kind == Negotiated.Kind.AUDIO ? audio : video);
  }

  @Override
  public void keyframeWanted() {
    execute(this::replayGop);
  }

  /** A player's NACK: answered on the loop from the feed's packets (the GOP cache's are not by sequence). */
  @Override
  public void retransmit(RtcSubscriberSession subscriber, int[] sentSequences) {
    execute(() -> {
      if (!closed && feed != null) {
        feed.retransmit(subscriber, sentSequences, clock.instant());
      }
    });
  }

  @Override
  public void playersChanged(int players) {
    if (players == 0) {
      execute(() -> {
        if (feed != null && feed.players() == 0) {
          close("no WebRTC player left");
        }
      });
    }
  }

  @Override
  public String origin() {
    return "rtmp";
  }

  @Override
  public Map<String, Object> counters() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b_frames", stream.hasBFrames());
    m.put("drop_b_frames", dropBFrames);
    m.put("b_frames_dropped", bFramesDropped);
    m.put("video_packets", videoPackets.get());
    m.put("audio_packets", audioPackets.get());
    m.put("gop_replays", replays.get());
    m.put("audio_lag_ms", audioLag.lastMean);
    m.put("video_lag_ms", videoLag.lastMean);
    m.put("audio_lag_spread_ms", audioLag.lastSpread);
    m.put("video_lag_spread_ms", videoLag.lastSpread);
    return m;
  }

  private void execute(Runnable r) {
    try {
      loop.execute(r);
    } catch (RuntimeException e) { // loop shutting down
      log.debug("bridge task rejected: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------ UnitReader (on the loop)

  @Override
  public void onTrack(MediaTrack track) {
    if (closed) {
      return;
    }
    switch (track.codec()) {
      case H264, HEVC, AV1 -> {
        if (videoRtp == null || track.codec() != videoCodec) {
          return; // WebRTC players negotiated the first video codec: another one later is not theirs
        }
        try {
          videoRtp.configure(track.config());
        } catch (ProtocolException | IndexOutOfBoundsException e) {
          counters.badVideoConfig.increment();
          log.warn("stream {}: bad {} sequence header skipped: {}", stream.key(), track.codec(), e.getMessage());
        }
      }
      case AAC -> openTranscoder(track);
      default -> { }
    }
  }

  private void openTranscoder(MediaTrack track) {
    closeTranscoder();
    byte[] asc = track.config();
    try {
      AudioSpecificConfig c = AudioSpecificConfig.parse(asc);
      if (audio == null || transcoders == null) {
        return;
      }
      transcoder = transcoders.open(new AudioFormat(AudioCodecId.AAC, c.sampleRate(), Math.max(1, c.channels()), asc),
          AudioFormat.opus());
    } catch (ProtocolException | IndexOutOfBoundsException | IllegalArgumentException | TranscodeException e) {
      counters.badAudioConfig.increment();
      log.warn("stream {}: AAC AudioSpecificConfig {} cannot be used, audio skipped for WebRTC players until the"
          + " next one: {}", stream.key(), ByteBufUtil.hexDump(asc), e.getMessage());
    }
  }

  @Override
  public void onUnit(AccessUnit unit) {
    if (closed) {
      return;
    }
    long now = System.nanoTime() / 1_000_000;
    clockOffsetMillis = Math.min(clockOffsetMillis, now - unit.dtsMillis());
    switch (unit.track().codec()) {
      case H264, HEVC, AV1 -> {
        if (unit.track().codec() == videoCodec) {
          onVideo(unit);
        } else {
          counters.unsupportedUnits.increment();
        }
      }
      case AAC -> onAac(unit);
      case OPUS -> onOpus(unit.payload(), unit.ptsMillis() * 1000);
      default -> counters.unsupportedUnits.increment();
    }
  }

  private void onVideo(AccessUnit unit) {
    if (video == null || !videoRtp.configured()) {
      return;
    }
    VideoToRtp.Packets out;
    try {
      out = videoRtp.packetize(unit.payload(), unit.dtsMillis(), unit.keyframe(), dropBFrames);
    } catch (ProtocolException | IndexOutOfBoundsException e) {
      counters.badVideoUnits.increment();
      log.debug("stream {}: video unit skipped: {}", stream.key(), e.getMessage());
      return;
    }
    bFramesDropped = videoRtp.droppedBFrames();
    if (out.packets().isEmpty()) {
      return;
    }
    videoLag.add(sendLag(unit.dtsMillis() * 1000));
    if (out.keyframe()) {
      clearGop();
      gopOverflow = false;
    }
    Instant now = clock.instant();
    boolean first = true;
    for (ByteBuf p : out.packets()) {
      boolean keyStart = first && out.keyframe();
      first = false;
      feed.send(Negotiated.Kind.VIDEO, p, keyStart, now);
      videoPackets.incrementAndGet();
      cache(new RtpFeed.Packet(Negotiated.Kind.VIDEO, p, keyStart));
    }
  }

  private void onAac(AccessUnit unit) {
    if (transcoder == null) {
      if (audio == null && !audioDropLogged) {
        audioDropLogged = true;
        log.info("stream {}: AAC audio dropped for WebRTC players (no audio transcoder)", stream.key());
      }
      counters.audioDropped.increment();
      return;
    }
    List<AudioUnit> out;
    try {
      out = transcoder.transcode(new AudioUnit(ByteBufUtil.getBytes(unit.payload()), unit.ptsMillis() * 1000));
    } catch (TranscodeException | RuntimeException e) {
      counters.transcodeErrors.increment();
      log.debug("stream {}: AAC unit skipped: {}", stream.key(), e.getMessage());
      return;
    }
    for (AudioUnit u : out) {
      audioLag.add(sendLag(u.ptsMicros()));
      sendOpus(u.data(), u.ptsMicros());
    }
  }

  /**
   * How long after its stream time {@code ptsMicros} a packet leaves, on the clock the sender reports use
   * (stream time = monotonic time - the smallest arrival offset seen). Video leaves as it arrives; an Opus
   * packet leaves once the AAC units covering its 20 ms and the encoder's look-ahead have arrived, so audio
   * could leave later than video for the same instant (libwebrtc's sync reads that from the arrival times
   * against the sender reports). Measured: audio 16-18 ms, video 10-12 ms (an RTMP publisher's muxer already
   * holds its video back to interleave it with its AAC), but the audio in lumps of one AAC unit (21.3 ms).
   */
  private double sendLag(long ptsMicros) {
    return System.nanoTime() / 1_000_000 - clockOffsetMillis - ptsMicros / 1000.0;
  }

  /**
   * Mean and spread (largest minus smallest) of a second's values (null: none), kept for the counters (the loop
   * writes, any thread reads). The spread is what a receiver's jitter buffer sees of the send times.
   */
  private static final class SendLag {
    private double sum;
    private int count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private volatile Double lastMean;
    private volatile Double lastSpread;

    void add(double v) {
      sum += v;
      count++;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    void roll() {
      lastMean = count == 0 ? null : Math.round(sum / count * 10) / 10.0;
      lastSpread = count == 0 ? null : Math.round((max - min) * 10) / 10.0;
      sum = 0;
      count = 0;
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
    }
  }

  private void onOpus(ByteBuf payload, long ptsMicros) {
    if (audio != null) {
      sendOpus(ByteBufUtil.getBytes(payload), ptsMicros);
    }
  }

  private void sendOpus(byte[] data, long ptsMicros) {
    ByteBuf p = opus.packet(data, ptsMicros);
    feed.send(Negotiated.Kind.AUDIO, p, false, clock.instant());
    audioPackets.incrementAndGet();
    p.release(); // audio is not replayed: see replayGop
  }

  /** Keeps (takes ownership of) a packet of the current GOP, or releases it. */
  private void cache(RtpFeed.Packet p) {
    if (gopOverflow || (gop.isEmpty() && !p.keyframeStart())) {
      p.bytes().release();
      return;
    }
    if (gopBytes + p.bytes().readableBytes() > GOP_CACHE_MAX_BYTES) {
      clearGop();
      gopOverflow = true;
      p.bytes().release();
      return;
    }
    gop.add(p);
    gopBytes += p.bytes().readableBytes();
  }

  private void clearGop() {
    gop.forEach(p -> p.bytes().release());
    gop.clear();
    gopBytes = 0;
  }

  /**
   * Players that joined get the cached GOP now (on the loop, so no live packet overtakes it): video only.
   * Their audio starts live, as soon as they connect: the GOP's audio at once filled Chromium's audio
   * jitter buffer (NetEq) 450-600 ms deep, it plays every sample it holds, so the audio stayed that far
   * behind and libwebrtc's A/V sync then held the video back to match, easing in over 20 s
   * (A/V offset 100-450 ms in the first 15 s, RtmpToWhepTest). The replayed video catches up to live
   * by itself (its frames are late, decoded at once), and the sync lines the two up on the sender reports.
   */
  private void replayGop() {
    if (closed || feed == null || gop.isEmpty()) {
      return;
    }
    if (feed.replay(new ArrayList<>(gop), clock.instant()) > 0) {
      replays.incrementAndGet();
    }
  }

  @Override
  public void onEnd(Subscriber.EndReason reason) {
    close("the RTMP stream ended (" + reason.description + ")");
  }

  // ------------------------------------------------------------------ timer, end

  private void tick() {
    if (closed) {
      return;
    }
    if (feed.players() == 0) {
      if (++idleTicks >= IDLE_TICKS) {
        close("no WebRTC player");
      }
      return;
    }
    idleTicks = 0;
    audioLag.roll();
    videoLag.roll();
    sendReports();
  }

  /** Sender reports: the RTP time of "now" on the stream's one clock, for each track. */
  private void sendReports() {
    if (clockOffsetMillis == Long.MAX_VALUE) {
      return;
    }
    Instant now = clock.instant();
    long streamMillis = System.nanoTime() / 1_000_000 - clockOffsetMillis;
    long ntp = ntp(now);
    if (video != null && videoRtp.configured() && videoPackets.get() > 0) {
      feed.senderReport(Negotiated.Kind.VIDEO, new SenderReport(0, ntp, videoRtp.timestamp(streamMillis),
          0, 0, List.of()), now);
    }
    long audioTs = opus.timestamp(streamMillis * 1000);
    if (audio != null && audioTs >= 0) {
      feed.senderReport(Negotiated.Kind.AUDIO, new SenderReport(0, ntp, audioTs, 0, 0, List.of()), now);
    }
  }

  static long ntp(Instant t) {
    long seconds = t.getEpochSecond() + 2_208_988_800L;
    long fraction = ((long) t.getNano() << 32) / 1_000_000_000L;
    return seconds << 32 | fraction;
  }

  /** Stops (from any thread): leaves the RTMP stream, players wait the registry's grace for a new source. */
  void close(String why) {
    if (!loop.inEventLoop()) {
      execute(() -> close(why));
      return;
    }
    if (closed) {
      return;
    }
    closed = true;
    log.info("stream {}: RTMP -> WebRTC bridge stopped: {}", stream.key(), why);
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (reading != null) {
      try {
        reading.close();
      } catch (Exception e) {
        log.debug("leaving the stream: {}", e.toString());
      }
    }
    closeTranscoder();
    clearGop();
    if (feed != null) {
      feed.close();
    }
    onClosed.run();
  }

  private void closeTranscoder() {
    if (transcoder != null) {
      try {
        transcoder.close();
      } catch (RuntimeException e) {
        log.debug("closing the transcoder: {}", e.toString());
      }
      transcoder = null;
    }
  }
}
