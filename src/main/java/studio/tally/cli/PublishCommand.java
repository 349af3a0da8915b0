package studio.tally.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import studio.tally.media.MediaException;
import studio.tally.media.session.MediaSession;
import studio.tally.media.PacketSink;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.Device;
import studio.tally.media.capture.DeviceCatalog;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderCandidate;
import studio.tally.media.encode.EncoderCatalog;
import studio.tally.media.encode.EncoderProbe;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.record.Recorder;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor;
import studio.tally.output.DestinationState;
import studio.tally.output.DestinationStats;
import studio.tally.output.FanOut;
import studio.tally.output.RtmpPublisher;
import studio.tally.output.RtmpPublisherOptions;
import studio.tally.output.RtmpUrl;
import studio.tally.output.WhipDestination;
import studio.tally.output.WhipOptions;
import studio.tally.output.WhipUrl;

@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Capture, compose, encode once and publish to one or more RTMP/RTMPS and WHIP destinations, and/or record.",
        "Prints a stats line per destination every few seconds. Exit 0 when --duration is reached with every",
        "destination live; non-zero with the reason otherwise."})
final class PublishCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = "--source", defaultValue = "test", paramLabel = "SOURCE",
      description = "test | screen[:DEVICE-ID][@x,y,WxH] | camera[:DEVICE-ID] (default: ${DEFAULT-VALUE}; see `tally devices`).")
  String source;

  @Option(names = "--pip", paramLabel = "SOURCE", description = "Picture-in-picture, bottom right: camera[:DEVICE-ID] or test.")
  String pip;

  @Option(names = "--mic", paramLabel = "DEVICE-ID", description = "Microphone or desktop audio to mix in (e.g. pulse:default).")
  String mic;

  @Option(names = "--size", defaultValue = "1280x720", paramLabel = "WxH", description = "Output size (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--fps", defaultValue = "30", paramLabel = "N", description = "Output frame rate (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--bitrate", defaultValue = "2500", paramLabel = "KBPS", description = "Video bitrate, CBR (default: ${DEFAULT-VALUE}).")
  int bitrate;

  @Option(names = "--audio-bitrate", defaultValue = "128", paramLabel = "KBPS", description = "AAC bitrate (default: ${DEFAULT-VALUE}).")
  int audioBitrate;

  @Option(names = "--encoder", defaultValue = "auto", paramLabel = "NAME",
      description = "auto (first usable, hardware first) or a name from `tally encoders` (default: ${DEFAULT-VALUE}).")
  String encoder;

  @Option(names = "--preset", paramLabel = "NAME", description = "Encoder preset (e.g. veryfast for x264).")
  String preset;

  @Option(names = "--keyframe-interval", defaultValue = "2", paramLabel = "SECONDS", description = "(default: ${DEFAULT-VALUE}).")
  double keyframeInterval;

  @Option(names = "--to", paramLabel = "URL",
      description = "rtmp://, rtmps://, a WHIP endpoint http(s)://…/whip… or webrtc://host[:port]/app/stream (SRS API) (repeatable).")
  List<String> destinations = new ArrayList<>();

  @Option(names = "--record", paramLabel = "FILE", description = "Record to FILE (.mp4: fragmented while live, faststart at the end; .mkv).")
  Path record;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: until Ctrl-C).")
  Double duration;

  @Option(names = "--bearer", paramLabel = "TOKEN", description = "WHIP: the token, sent as Authorization: Bearer TOKEN.")
  String bearer;

  @Option(names = "--bearer-raw", description = "WHIP: send the token without the 'Bearer ' prefix (servers that want the raw key).")
  boolean bearerRaw;

  @Option(names = "--ice-tcp", description = "WHIP: ICE over TCP only (the server's passive TCP candidate), for networks without UDP.")
  boolean iceTcp;

  @Option(names = "--ice-server", paramLabel = "URL",
      description = "WHIP: a TURN relay to use beside the direct path (repeatable; the first TURN server counts, before any the server's Link headers name): turn:user:pass@host:port (UDP), turn:user:pass@host:port?transport=tcp, turns:user:pass@host:port (TLS).")
  List<String> iceServers = new ArrayList<>();

  @Option(names = "--tls-fingerprint", paramLabel = "SHA256", description = "Trust the RTMPS server (or the turns: TURN server) whose certificate has this SHA-256.")
  String tlsFingerprint;

  @Option(names = "--insecure-tls", description = "Accept any RTMPS (or turns: TURN) certificate (prints a warning).")
  boolean insecureTls;

  @Option(names = "--stats-interval", defaultValue = "5", paramLabel = "SECONDS", description = "(default: ${DEFAULT-VALUE}).")
  double statsInterval;

  @Option(names = "--connect-timeout", defaultValue = "15", paramLabel = "SECONDS",
      description = "Every destination must be live this soon after the start (default: ${DEFAULT-VALUE}).")
  double connectTimeout;

  private studio.tally.media.capture.AudioSource micSource;
  private String micProblem;
  private final java.util.Map<studio.tally.media.capture.VideoSource, String> videoProblems = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (destinations.isEmpty() && record == null) {
      throw new UserError("nothing to do: give --to URL (repeatable) and/or --record FILE");
    }
    for (String s : iceServers) {
      try {
        WhipOptions.checkIceServer(s);
      } catch (IllegalArgumentException e) {
        throw new UserError("--ice-server: " + e.getMessage());
      }
    }
    if (duration != null && !(duration > 0)) {
      throw new UserError("--duration must be more than 0 seconds");
    }
    List<RtmpUrl> urls = new ArrayList<>();
    List<WhipUrl> whipUrls = new ArrayList<>();
    for (String to : destinations) {
      try {
        if (WhipUrl.isWhip(to)) {
          whipUrls.add(WhipUrl.parse(to));
        } else if (to.contains("://") && !to.strip().toLowerCase(java.util.Locale.ROOT).startsWith("rtmp")) {
          throw new UserError("--to: unsupported scheme '" + to.strip().substring(0, to.strip().indexOf("://"))
              + "' (want rtmp, rtmps, http(s) for WHIP, or webrtc)");
        } else {
          urls.add(RtmpUrl.parse(to));
        }
      } catch (IllegalArgumentException e) {
        throw new UserError("--to: " + e.getMessage());
      }
    }
    VideoFormat format;
    EncoderSettings settings;
    try {
      format = VideoFormat.parse(size, fps);
      // WebRTC receivers (browsers' software decoders) take constrained baseline or main, never B-frames
      settings = new EncoderSettings(encoder, "h264", bitrate, keyframeInterval, preset, whipUrls.isEmpty() ? null : "main", 0, 0);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    EncoderCandidate chosen = media(() -> EncoderCatalog.select(settings));
    System.out.println("encoder: " + chosen.name() + (encoder.equals("auto") ? explainAuto(chosen) : ""));

    SessionClock clock = SessionClock.start(Clock.systemUTC());
    List<SceneCompositor.VideoInput> video = new ArrayList<>();
    List<SceneCompositor.AudioInput> audio = new ArrayList<>();
    List<AutoCloseable> opened = new ArrayList<>();
    MediaSession session;
    List<Dest> publishers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<MediaSession> sessionRef = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      media(() -> {
        video.add(new SceneCompositor.VideoInput(openVideo(source, format, clock, "source"), Layer.FULL));
        if (pip != null) {
          video.add(new SceneCompositor.VideoInput(openVideo(pip, new VideoFormat(
              even(format.width() / 4), even(format.height() / 4), format.fps()), clock, "pip"), Layer.bottomRight(0.25, 0.03)));
        }
        if (source.equals("test")) {
          audio.add(new SceneCompositor.AudioInput(new TestTone(clock)));
        }
        if (mic != null) {
          micSource = DeviceCatalog.openAudio(mic, clock);
          audio.add(new SceneCompositor.AudioInput(micSource));
        }
        return null;
      });
      video.forEach(v -> opened.add(v.source()));
      video.forEach(v -> videoProblems.put(v.source(), null));
      audio.forEach(a -> opened.add(a.source()));

      RtmpPublisherOptions options = RtmpPublisherOptions.defaults();
      if (tlsFingerprint != null) {
        options = options.withTlsFingerprint(tlsFingerprint);
      }
      if (insecureTls) {
        System.out.println("warning: --insecure-tls accepts any certificate; the connection can be intercepted");
        options = options.withInsecureTls(true);
      }
      List<PacketSink> sinks = new ArrayList<>();
      for (RtmpUrl url : urls) {
        RtmpPublisher p = new RtmpPublisher(url, options);
        publishers.add(new Dest(url.toString(), p::state, p::stats, p));
        sinks.add(p);
      }
      WhipOptions whip = WhipOptions.DEFAULT.withToken(bearer, !bearerRaw).withTcpOnly(iceTcp).withIceServers(iceServers)
          .withRelayTls(tlsFingerprint != null || insecureTls ? new studio.tally.output.TlsTrust(tlsFingerprint, insecureTls) : null)
          .withKeyframeRequest(() -> {
            MediaSession s = sessionRef.get();
            if (s != null) s.requestKeyframe();
          });
      for (WhipUrl url : whipUrls) {
        WhipDestination d = new WhipDestination(url, whip);
        publishers.add(new Dest(url.toString(), d::state, d::stats, d));
        sinks.add(d);
      }
      if (record != null) {
        sinks.add(media(() -> new Recorder(record)));
      }
      FanOut fanOut = new FanOut(sinks);
      session = media(() -> MediaSession.start(clock, new MediaSession.Config(format, video, audio, settings, audioBitrate, 0), fanOut));
      sessionRef.set(session);
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception ignored) {
          // best effort: we are already failing with a clearer reason
        }
      }
      publishers.forEach(d -> d.sink().close());
      throw e;
    }
    return run(session, publishers);
  }

  /** One destination as the run loop and the stats lines see it (RTMP or WHIP). */
  private record Dest(String url, java.util.function.Supplier<DestinationState> stateOf,
      java.util.function.Supplier<DestinationStats> statsOf, PacketSink sink) {
    DestinationState state() {
      return stateOf.get();
    }

    DestinationStats stats() {
      return statsOf.get();
    }
  }

  private int run(MediaSession session, List<Dest> publishers) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTerminate(stop::countDown);
    long start = System.nanoTime();
    long end = duration == null ? Long.MAX_VALUE : start + (long) (duration * 1e9);
    long nextStats = start + (long) (statsInterval * 1e9);
    long connectDeadline = start + (long) (connectTimeout * 1e9);
    String failure = null;
    int code = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end || stop.await(Math.max(1, Math.min(200, (Math.min(end, nextStats) - now) / 1_000_000)), TimeUnit.MILLISECONDS)) {
        break;
      }
      if (session.failure() != null) {
        failure = "capture/encode failed: " + session.failure().getMessage();
        code = 4;
        break;
      }
      for (Dest p : publishers) {
        if (p.state() instanceof DestinationState.Failed(String reason)) {
          failure = p.url() + ": " + reason;
          code = 3;
        } else if (now > connectDeadline && p.stats().framesSent() == 0 && !(p.state() instanceof DestinationState.Live)) {
          failure = p.url() + ": not live " + (long) connectTimeout + " s after the start: " + describe(p.state());
          code = 3;
        }
      }
      if (failure != null) {
        break;
      }
      reportMic();
      reportVideo();
      if (System.nanoTime() >= nextStats) {
        printStats(session, publishers);
        nextStats += (long) (statsInterval * 1e9);
      }
    }
    if (failure == null && duration != null && stop.getCount() > 0) {
      for (Dest p : publishers) {
        if (!(p.state() instanceof DestinationState.Live)) {
          failure = p.url() + ": not healthy at the end: " + describe(p.state());
          code = 3;
        }
      }
    }
    printStats(session, publishers);
    session.close(); // closes the destinations and finishes the recording
    awaitWhipDeletes(publishers);
    if (failure != null) {
      throw new UserError(failure, code);
    }
    System.out.println("done: " + session.stats().framesEncoded() + " frames encoded");
    return 0;
  }

  /**
   * A WHIP destination sends its DELETE in the background when closed: the process must not exit
   * before it went out, or the server keeps the session until its consent times out. At most 3 s.
   */
  private static void awaitWhipDeletes(List<Dest> publishers) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    for (Dest d : publishers) {
      if (d.sink() instanceof studio.tally.output.WhipDestination w) {
        try {
          w.deleted().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // no answer in time: the server's consent timeout ends the session
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A stalled or disconnected microphone is said once, and so is its return; the stream goes on meanwhile. */
  private void reportMic() {
    if (micSource == null) return;
    String now = micSource.problem();
    if (java.util.Objects.equals(now, micProblem)) return;
    if (now != null) System.out.println("mic " + mic + ": " + now + "; sending silence meanwhile");
    else System.out.println("mic " + mic + ": capturing again");
    micProblem = now;
  }

  /** A screen or camera that stops delivering without an error is said once, and so is its return. */
  private void reportVideo() {
    videoProblems.replaceAll((source, before) -> {
      String now = source.problem();
      if (java.util.Objects.equals(now, before)) return before;
      if (now == null) {
        System.out.println(source.name() + ": capturing again");
      } else {
        System.out.println(source.name() + ": " + now + "; " + studio.tally.media.capture.VideoSource.meanwhile(now));
      }
      return now;
    });
  }

  private static void printStats(MediaSession session, List<Dest> publishers) {
    MediaSession.Stats s = session.stats();
    System.out.printf("encode: %s %.1f fps, %d frames, %d dropped, %.1f ms/frame%n", s.encoder(), s.fpsOut(),
        s.framesEncoded(), s.dropped(), s.encodeMicrosPerFrame() / 1000);
    for (Dest p : publishers) {
      DestinationStats d = p.stats();
      System.out.printf("%s: %s, %.0f kbps, %.1f fps, dropped %d, queue %d ms, rtt %s, reconnects %d%s%n", d.destination(),
          describe(d.state()), d.bitrateKbps(), d.fps(), d.framesDropped(), d.queuedMillis(), d.rttText(), d.reconnects(),
          d.relay() == null ? "" : ", via TURN " + d.relay());
    }
    System.out.flush();
  }

  static String describe(DestinationState s) {
    return switch (s) {
      case DestinationState.Connecting c -> "connecting";
      case DestinationState.Live l -> "live";
      case DestinationState.Reconnecting(double in, String reason) -> String.format("reconnecting in %.1f s (%s)", in, reason);
      case DestinationState.Failed(String reason) -> "failed: " + reason;
      case DestinationState.Stopped st -> "stopped";
    };
  }

  private static String explainAuto(EncoderCandidate chosen) {
    List<String> skipped = new ArrayList<>();
    // only the candidates "auto" tried before the chosen one: probing the others (other codecs) costs
    // time and prints their encoders' banners on stderr
    for (EncoderProbe p : EncoderCatalog.probe(chosen.codec())) {
      if (p.name().equals(chosen.name())) {
        break;
      }
      if (p.hardware() && !p.usable()) {
        skipped.add(p.name() + ": " + p.reason());
      }
    }
    return skipped.isEmpty() ? " (auto)" : " (auto; no usable hardware encoder: " + String.join("; ", skipped) + ")";
  }

  private static studio.tally.media.capture.VideoSource openVideo(String spec, VideoFormat format, SessionClock clock, String role) {
    if (spec.equals("test")) {
      return new TestPattern(role, format, clock);
    }
    String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    String rest = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "";
    String region = null;
    if (rest.contains("@")) {
      region = rest.substring(rest.indexOf('@') + 1);
      rest = rest.substring(0, rest.indexOf('@'));
    }
    Device.Kind want = switch (kind) {
      case "screen" -> Device.Kind.SCREEN;
      case "camera" -> Device.Kind.CAMERA;
      default -> throw new UserError("unknown source '" + spec + "': use test, screen[:ID][@x,y,WxH] or camera[:ID]");
    };
    String id = rest;
    if (id.isEmpty()) {
      id = DeviceCatalog.list().stream().filter(d -> d.kind() == want && d.openable()).map(Device::id).findFirst()
          .orElseThrow(() -> new UserError("no " + kind + " on this machine (see `tally devices`; --source test always works)"));
    }
    return DeviceCatalog.openVideo(id, format.fps(), region);
  }

  private static int even(int n) {
    return Math.max(16, n & ~1);
  }

  private interface MediaCall<T> {
    T call();
  }

  /** FFmpeg-side failures become one clear line. */
  private static <T> T media(MediaCall<T> call) {
    try {
      return call.call();
    } catch (MediaException | IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }
}
