package studio.tally.rtc;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TimecodeReader;

/**
 * The webrtc-java side of the namespace tests and the latency benchmark, run as a child JVM inside a
 * {@link studio.tally.testing.NetNamespace} (libwebrtc ignores loopback). Modes:
 * <ul>
 *   <li>{@code relay --server URL --stream NAME}: a {@link WhipPublisher} pushes TestPattern frames to our
 *       server, a {@link WhepPlayer} plays them back; with {@code --check-api} it also GETs
 *       {@code /api/v1/versions} on the same port while playing.</li>
 *   <li>{@code direct}: the same two peers linked directly (no server), for the latency ratio.</li>
 *   <li>{@code play --server URL --stream NAME}: only a {@link WhepPlayer}, for a stream someone else publishes
 *       (FFmpeg's whip muxer).</li>
 *   <li>{@code play-unknown --server URL}: a WHEP play of a stream nobody publishes; prints the refusal.</li>
 *   <li>{@code publish --server URL --stream NAME}: only a {@link WhipPublisher}, fed {@code fps} frames a
 *       second cycled from one second of TestPattern frames drawn before it connects (so the process spends
 *       its CPU on libwebrtc's encode and send, not on drawing); prints {@code TICK ms bytes frames_encoded}
 *       every second (for the WHIP send CPU benchmark).</li>
 * </ul>
 * Common: {@code --video-only} (the player offers no audio: no A/V sync wait), {@code --seconds S --width W --height H --fps F --warmup-ms MS}. Prints one {@code SUMMARY k=v ...}
 * line (latencies of frames decoded after the warm-up, from the burnt-in time code) and exits 0, or
 * prints {@code ERROR ...} and exits 2.
 */
public final class RtcPeerMain {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    String mode = args.length > 0 ? args[0] : "";
    try {
      int code = switch (mode) {
        case "relay", "direct" -> stream(mode, o);
        case "play-unknown" -> playUnknown(o);
        case "play" -> play(o);
        case "publish" -> publishOnly(o);
        default -> {
          System.out.println("ERROR unknown mode '" + mode + "' (relay, direct, play-unknown)");
          yield 2;
        }
      };
      System.out.flush();
      System.exit(code);
    } catch (RtcException e) {
      System.out.println("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.out.flush();
      System.exit(2);
    }
  }

  private static int playUnknown(Map<String, String> o) throws Exception {
    String server = o.get("server");
    awaitServer(server);
    try (var factory = new RtcFactory()) {
      var exchange = new WhipExchange(URI.create(server + "/whep/live/" + o.getOrDefault("stream", "nobody")), null, TIMEOUT);
      try (var player = WhepPlayer.connect(factory, exchange, f -> {}, TIMEOUT)) {
        System.out.println("ERROR played a stream nobody publishes: " + player.framesDelivered() + " frames");
        return 2;
      } catch (RtcException.Refused e) {
        System.out.println("REFUSED status=" + e.status() + " message=" + e.serverMessage());
        System.out.println("SUMMARY refused=" + e.status());
        return 0;
      }
    }
  }

  private static int play(Map<String, String> o) throws Exception {
    int width = Integer.parseInt(o.getOrDefault("width", "640"));
    int height = Integer.parseInt(o.getOrDefault("height", "360"));
    long seconds = Long.parseLong(o.getOrDefault("seconds", "6"));
    String server = o.get("server");
    awaitServer(server);
    AtomicLong frames = new AtomicLong();
    AtomicLong sized = new AtomicLong();
    URI whep = URI.create(server + "/whep/live/" + o.getOrDefault("stream", "ffwhip"));
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (var factory = new RtcFactory()) {
      WhepPlayer player = null;
      while (player == null) {
        try {
          player = WhepPlayer.connect(factory, new WhipExchange(whep, null, TIMEOUT), f -> {
            frames.incrementAndGet();
            if (f.width() == width && f.height() == height) sized.incrementAndGet();
          }, TIMEOUT);
        } catch (RtcException.Refused e) {
          // the publisher (another process) has not connected yet
          if (e.status() != 404 || System.nanoTime() > deadline) throw e;
          Thread.sleep(250);
        }
      }
      try (WhepPlayer playing = player) {
        Thread.sleep(seconds * 1000);
        RtcStats st = playing.stats(TIMEOUT);
        System.out.println("SUMMARY mode=play frames=" + frames.get() + " sized=" + sized.get() + " codec=" + st.codec()
            + " decoded=" + st.framesDecoded() + " audio_packets=" + st.audioPackets() + " transport=" + st.transport());
      }
    }
    return 0;
  }

  private static int publishOnly(Map<String, String> o) throws Exception {
    int width = Integer.parseInt(o.getOrDefault("width", "1280"));
    int height = Integer.parseInt(o.getOrDefault("height", "720"));
    int fps = Integer.parseInt(o.getOrDefault("fps", "30"));
    long seconds = Long.parseLong(o.getOrDefault("seconds", "60"));
    int bitrate = Integer.parseInt(o.getOrDefault("bitrate", "2500000"));
    String server = o.get("server");
    awaitServer(server);
    var clock = SessionClock.start(Clock.systemUTC());
    List<ByteBuffer[]> frames = new ArrayList<>();
    int[] strides = new int[3];
    try (var pattern = new TestPattern("rtc-java", new VideoFormat(width, height, fps), clock)) {
      for (int i = 0; i < fps; i++) {
        AVFrame f = pattern.frameAt(i * 1_000_000L / fps);
        try {
          ByteBuffer[] planes = new ByteBuffer[3];
          for (int p = 0; p < 3; p++) {
            ByteBuffer src = plane(f, p, p == 0 ? height : height / 2);
            planes[p] = ByteBuffer.allocateDirect(src.remaining()).put(src).flip();
            strides[p] = f.linesize(p);
          }
          frames.add(planes);
        } finally {
          av_frame_free(f);
        }
      }
    }
    AtomicLong pushed = new AtomicLong();
    try (var factory = new RtcFactory();
        var publisher = WhipPublisher.connect(factory, new WhipExchange(URI.create(server + "/whip/live/"
            + o.getOrDefault("stream", "rtcjava")), null, TIMEOUT), bitrate, TIMEOUT)) {
      var pump = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("pattern-pump").unstarted(r));
      pump.scheduleAtFixedRate(() -> {
        ByteBuffer[] f = frames.get((int) (pushed.get() % frames.size()));
        publisher.pushFrame(width, height, f[0].duplicate(), strides[0], f[1].duplicate(), strides[1], f[2].duplicate(),
            strides[2], System.nanoTime());
        pushed.incrementAndGet();
      }, 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
      System.out.println("CONNECTED");
      long start = System.nanoTime();
      try {
        for (long s = 1; s <= seconds; s++) {
          Thread.sleep(Math.max(0, start / 1_000_000 + s * 1000 - System.nanoTime() / 1_000_000));
          RtcStats st = publisher.stats(TIMEOUT);
          System.out.println("TICK " + (System.nanoTime() - start) / 1_000_000 + " " + st.bytes() + " " + st.framesEncoded());
        }
      } finally {
        pump.shutdownNow();
        pump.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  private static int stream(String mode, Map<String, String> o) throws Exception {
    int width = Integer.parseInt(o.getOrDefault("width", "640"));
    int height = Integer.parseInt(o.getOrDefault("height", "360"));
    int fps = Integer.parseInt(o.getOrDefault("fps", "30"));
    long seconds = Long.parseLong(o.getOrDefault("seconds", "8"));
    long warmupMs = Long.parseLong(o.getOrDefault("warmup-ms", "2000"));
    int bitrate = Integer.parseInt(o.getOrDefault("bitrate", "2000000"));
    String server = o.get("server");
    if (server != null) awaitServer(server);

    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong frames = new AtomicLong();
    AtomicLong sized = new AtomicLong();
    AtomicLong unreadable = new AtomicLong();
    long[] measureFrom = {Long.MAX_VALUE};
    VideoFrameListener onFrame = f -> {
      frames.incrementAndGet();
      if (f.width() == width && f.height() == height) sized.incrementAndGet();
      if (System.nanoTime() < measureFrom[0]) return;
      var tc = TimecodeReader.read(f::luma, f.width(), f.height());
      if (tc.isEmpty()) {
        unreadable.incrementAndGet();
        return;
      }
      latencies.add((double) (System.currentTimeMillis() - tc.get().wallMillis()));
    };

    String stream = o.getOrDefault("stream", "rtcjava");
    long started = System.nanoTime();
    // one clock: the pattern stamps clock.wallMicros(sessionMicros), we pass clock.micros() at push time
    var clock = SessionClock.start(Clock.systemUTC());
    AtomicLong pushed = new AtomicLong();
    // two engines, as two separate programs would have
    try (var pubFactory = new RtcFactory(); var playFactory = new RtcFactory();
        var pattern = new TestPattern("rtc-java", new VideoFormat(width, height, fps), clock)) {
      WhipPublisher publisher;
      WhepPlayer player;
      if (mode.equals("relay")) {
        publisher = WhipPublisher.connect(pubFactory, new WhipExchange(URI.create(server + "/whip/live/" + stream), null, TIMEOUT),
            bitrate, TIMEOUT);
      } else {
        publisher = WhipPublisher.awaitingOffer(pubFactory, bitrate, TIMEOUT);
      }
      long publisherMs = (System.nanoTime() - started) / 1_000_000;
      var pump = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("pattern-pump").unstarted(r));
      pump.scheduleAtFixedRate(() -> push(publisher, pattern, clock, pushed), 0, 1_000_000 / fps, TimeUnit.MICROSECONDS);
      try {
        SdpExchange toPublisher = mode.equals("relay")
            ? new WhipExchange(URI.create(server + "/whep/live/" + stream), null, TIMEOUT) : publisher.answerer();
        long playerStart = System.nanoTime();
        player = WhepPlayer.connect(playFactory, toPublisher, onFrame, !o.containsKey("video-only"), TIMEOUT);
        long playerMs = (System.nanoTime() - playerStart) / 1_000_000;
        if (mode.equals("direct")) publisher.awaitConnected();
        System.out.println("CONNECTED publisher_ms=" + publisherMs + " player_ms=" + playerMs);
        measureFrom[0] = System.nanoTime() + warmupMs * 1_000_000;
        int apiStatus = -1;
        if (o.containsKey("check-api")) {
          Thread.sleep(1000); // mid-stream, while media flows on the same port
          apiStatus = get(server + "/api/v1/versions");
        }
        Thread.sleep(seconds * 1000 - (apiStatus == -1 ? 0 : 1000));
        RtcStats playStats = player.stats(TIMEOUT);
        RtcStats pubStats = publisher.stats(TIMEOUT);
        player.close();
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.println(String.format(Locale.ROOT,
            "SUMMARY mode=%s frames=%d sized=%d width=%d height=%d samples=%d unreadable=%d median_ms=%.1f p95_ms=%.1f"
                + " min_ms=%.1f max_ms=%.1f codec=%s decoded=%d audio_packets=%d sent_frames=%d nacks=%d plis=%d"
                + " rtt_ms=%.1f api_status=%d pushed=%d transport=%s jitter_buffer_ms=%.1f",
            mode, frames.get(), sized.get(), width, height, sorted.size(), unreadable.get(), quantile(sorted, 0.5),
            quantile(sorted, 0.95), quantile(sorted, 0), quantile(sorted, 1), playStats.codec(), playStats.framesDecoded(),
            playStats.audioPackets(), pubStats.framesEncoded(), playStats.nacks(), pubStats.plis(),
            playStats.roundTripMillis(), apiStatus, pushed.get(), playStats.transport(), playStats.jitterBufferMillis()));
      } finally {
        pump.shutdownNow();
        pump.awaitTermination(5, TimeUnit.SECONDS);
        publisher.close();
      }
    }
    return 0;
  }

  private static void push(WhipPublisher publisher, TestPattern pattern, SessionClock clock, AtomicLong pushed) {
    try {
      AVFrame f = pattern.frameAt(clock.micros());
      try {
        int w = f.width();
        int h = f.height();
        publisher.pushFrame(w, h, plane(f, 0, h), f.linesize(0), plane(f, 1, h / 2), f.linesize(1),
            plane(f, 2, h / 2), f.linesize(2), System.nanoTime());
        pushed.incrementAndGet();
      } finally {
        av_frame_free(f);
      }
    } catch (RuntimeException e) {
      System.out.println("ERROR pushing a frame: " + e);
    }
  }

  private static ByteBuffer plane(AVFrame f, int i, int lines) {
    return f.data(i).capacity((long) f.linesize(i) * lines).asByteBuffer();
  }

  private static double quantile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) return Double.NaN;
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }

  /** Waits until our server answers HTTP (it starts beside us in the namespace). */
  private static void awaitServer(String server) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      if (get(server + "/api/v1/versions") == 200) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("server " + server + " did not answer in " + TIMEOUT);
      Thread.sleep(100);
    }
  }

  private static int get(String url) {
    try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    } 
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --option, got " + args[i]);
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) o.put(key, args[++i]);
      else o.put(key, "true");
    }
    return o;
  }
}
