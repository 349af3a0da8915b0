package studio.tally.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import studio.tally.media.capture.I420Pattern;
import studio.tally.media.capture.PulseSources;
import studio.tally.media.capture.TonePcm;
import studio.tally.media.capture.TimecodeReader;
import studio.tally.proto.signaling.SignalingNames;
import studio.tally.rtc.CallSession;
import studio.tally.rtc.ReceivedAudio;
import studio.tally.rtc.RtcException;
import studio.tally.rtc.RtcFactory;
import studio.tally.rtc.RtcStats;
import studio.tally.signaling.SignalingClientException;
import studio.tally.signaling.SignalingOptions;

@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Hold a one-to-one call over SRS-compatible signaling, headless, and print the peer's stats.",
        "Exit 0 = media both ways, 1 = the peer never came or sent no media, 2 = could not connect."})
final class CallCommand implements Callable<Integer> {

  @Option(names = "--signal", required = true, paramLabel = "URL",
      description = "Signaling WebSocket, e.g. ws://127.0.0.1:8080/sig/v1/rtc (wss:// for TLS).")
  String signal;

  @Option(names = "--room", required = true, paramLabel = "R", description = "Room name.")
  String room;

  @Option(names = "--name", required = true, paramLabel = "N", description = "Your display name in the room.")
  String name;

  @Option(names = "--mode", defaultValue = "sfu", paramLabel = "sfu|p2p",
      description = "sfu: media through the server (as SRS's one2one page); p2p: directly between the peers. Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--source", defaultValue = "test", paramLabel = "test|camera",
      description = {"What to send: test (a pattern with a readable time code and the test tone: 1 kHz, a beep each second),",
          "or camera (the microphone of --mic through libwebrtc's echo cancellation, noise suppression and gain control;",
          "the picture stays the test pattern headless). Default: ${DEFAULT-VALUE}."})
  String source;

  @Option(names = "--mic", defaultValue = "default", paramLabel = "DEVICE",
      description = "--source camera: the PulseAudio source to send (its name, or its id pulse:NAME as 'tally devices' lists it). Default: the server's default source.")
  String mic;

  @Option(names = "--voice-processing", defaultValue = "echo,noise,gain", split = ",", paramLabel = "echo,noise,gain|none",
      description = "--source camera: libwebrtc's processing of the microphone: echo cancellation, noise suppression, gain control (a high-pass filter comes with any). Default: ${DEFAULT-VALUE}.")
  List<String> voiceProcessing;

  @Option(names = "--audio-out", paramLabel = "FILE.wav", description = "Write the peer's audio, as received, to a WAV file.")
  java.nio.file.Path audioOut;

  @Option(names = "--ice-server", paramLabel = "URL",
      description = "STUN/TURN server for p2p (repeatable): stun:host:port, turn:user:pass@host:port?transport=udp.")
  List<String> iceServers = new ArrayList<>();

  @Option(names = "--mute", paramLabel = "mic|camera",
      description = "Start with the microphone muted and/or the camera off (repeatable): the peer gets silence / black frames.")
  List<String> mute = new ArrayList<>();

  @Option(names = "--duration", defaultValue = "10", paramLabel = "S", description = "Seconds in the call. Default: ${DEFAULT-VALUE}.")
  long duration;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The signaling server's token, if it needs one.")
  String token;

  @Option(names = "--tls-fingerprint", paramLabel = "SHA256", description = "wss://: trust only this certificate.")
  String tlsFingerprint;

  @Option(names = "--insecure-tls", description = "wss://: accept any certificate.")
  boolean insecureTls;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int FPS = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Override
  public Integer call() throws Exception {
    CallSession.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
      case "sfu" -> CallSession.Mode.SFU;
      case "p2p" -> CallSession.Mode.P2P;
      default -> throw new UserError("--mode must be sfu or p2p, got '" + mode + "'");
    };
    if (!source.equals("test") && !source.equals("camera")) {
      throw new UserError("--source must be test or camera (scene needs the studio), got '" + source + "'");
    }
    if (!SignalingNames.isValid(room)) {
      throw new UserError("--room: " + SignalingNames.problem("room", room));
    }
    if (!SignalingNames.isValid(name)) {
      throw new UserError("--name: " + SignalingNames.problem("name", name));
    }
    if (duration < 1 || duration > 86_400) {
      throw new UserError("--duration must be 1..86400 seconds");
    }
    for (String s : mute) {
      if (!s.equals("mic") && !s.equals("camera")) {
        throw new UserError("--mute must be mic or camera, got '" + s + "'");
      }
    }
    for (String s : iceServers) {
      try {
        CallSession.checkIceServer(s);
      } catch (IllegalArgumentException e) {
        throw new UserError("--ice-server: " + e.getMessage());
      }
    }
    SignalingOptions so;
    try {
      so = SignalingOptions.of(signal);
    } catch (IllegalArgumentException e) {
      throw new UserError("--signal: " + e.getMessage());
    }
    try {
      so = so.withTls(tlsFingerprint, insecureTls).withToken(token)
          .withTimeouts(TIMEOUT, Duration.ofSeconds(5), Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      throw new UserError("--tls-fingerprint: " + e.getMessage());
    }
    var options = new CallSession.Options(so, room, name, m, List.copyOf(iceServers), 1_500_000, TIMEOUT)
        .muted(mute.contains("mic"), mute.contains("camera"));

    var processing = java.util.EnumSet.noneOf(RtcFactory.VoiceProcessing.class);
    for (String v : voiceProcessing) {
      switch (v) {
        case "echo" -> processing.add(RtcFactory.VoiceProcessing.ECHO_CANCELLATION);
        case "noise" -> processing.add(RtcFactory.VoiceProcessing.NOISE_SUPPRESSION);
        case "gain" -> processing.add(RtcFactory.VoiceProcessing.GAIN_CONTROL);
        case "none" -> { }
        default -> throw new UserError("--voice-processing: echo, noise, gain or none, got '" + v + "'");
      }
    }
    String micSource = source.equals("camera") ? microphone(mic) : null;
    AtomicLong timecodes = new AtomicLong();
    AtomicLong latencySum = new AtomicLong();
    AtomicLong sampled = new AtomicLong();
    AtomicLong lastSize = new AtomicLong();
    try (RtcFactory factory = audioFactory(micSource, processing); I420Pattern pattern = new I420Pattern(name, WIDTH, HEIGHT, FPS);
        ReceivedAudio heard = audioOut == null ? new ReceivedAudio() : new ReceivedAudio(audioOut);
        TonePcm tone = source.equals("test") ? new TonePcm() : null) {
      CallSession session;
      try {
        session = CallSession.start(factory, options, f -> {
          lastSize.set(((long) f.width() << 32) | f.height());
          if (sampled.getAndIncrement() % 10 != 0) {
            return; // reading a time code costs; one in ten frames is plenty
          }
          TimecodeReader.read(f::luma, f.width(), f.height()).ifPresent(tc -> {
            timecodes.incrementAndGet();
            latencySum.addAndGet(System.currentTimeMillis() - tc.wallMillis());
          });
        }, heard, new CallSession.Events() {
          @Override
          public void onState(CallSession.State state, String detail) {
            if (!json) {
              System.out.println("call: " + state.name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + (detail != null ? " (" + detail + ")" : ""));
            }
          }
        });
      } catch (SignalingClientException | RtcException e) {
        return fail(2, "could not connect: " + e.getMessage());
      }
      var pump = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("call-source").unstarted(r));
      pump.scheduleAtFixedRate(() -> {
        try {
          pattern.next((w, h, y, sy, u, su, v, sv) -> session.pushFrame(w, h, y, sy, u, su, v, sv, System.nanoTime()));
        } catch (RuntimeException e) {
          // a frame lost while the media path changes; the next one goes out
        }
      }, 0, 1_000_000 / FPS, TimeUnit.MICROSECONDS);
      if (tone != null) {
        pump.scheduleAtFixedRate(() -> {
          try {
            tone.drain(pcm -> factory.pushAudio(pcm, TonePcm.SAMPLE_RATE, TonePcm.CHANNELS));
          } catch (RuntimeException e) {
            // a block lost; the next ones go out
          }
        }, 0, 10, TimeUnit.MILLISECONDS);
      }
      Thread commands = Thread.ofPlatform().daemon().name("call-commands").start(() -> readCommands(session));
      CallSession.Stats st;
      try {
        Thread.sleep(duration * 1000);
        st = session.stats();
      } finally {
        pump.shutdownNow();
        pump.awaitTermination(5, TimeUnit.SECONDS);
        commands.interrupt();
        session.close();
      }
      boolean sent = st.send() != null && st.send().framesEncoded() > 0;
      int code = st.peer() == null ? 1 : st.framesReceived() > 0 && sent ? 0 : 1;
      String reason = st.peer() == null ? "the peer never came" : st.framesReceived() == 0 ? "no media from " + st.peer()
          : !sent ? "nothing sent to " + st.peer() : "media both ways";
      report(st, heard.figures(), code, reason, session.micMuted(), session.cameraOff(), timecodes.get(),
          timecodes.get() == 0 ? -1 : latencySum.get() / timecodes.get(), lastSize.get());
      return code;
    }
  }

  private int fail(int code, String reason) {
    if (json) {
      System.out.println(new ObjectMapper().createObjectNode().put("exit", code).put("result", reason).toString());
    } else {
      System.err.println("tally call: " + reason);
    }
    return code;
  }

  /** The description of the --mic source (null: the default source); a source the server lacks is a user error. */
  private static String microphone(String mic) {
    try {
      return PulseSources.microphone(mic);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UserError("--mic " + mic + ": " + e.getMessage());
    }
  }

  private RtcFactory audioFactory(String micSource, java.util.Set<RtcFactory.VoiceProcessing> processing) {
    if (!source.equals("camera")) return RtcFactory.withPushedAudio();
    try {
      return RtcFactory.withMicrophone(micSource, processing);
    } catch (IllegalArgumentException e) {
      throw new UserError("--mic: " + e.getMessage());
    }
  }

  /**
   * Lines on stdin while the call runs: "mute mic", "unmute mic", "mute camera", "unmute camera"
   * (scripts and tests drive a headless call this way). Each is acknowledged on stdout with the wall
   * clock, as JSON with --json.
   */
  private void readCommands(CallSession session) {
    var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (String line; (line = in.readLine()) != null; ) {
        String[] w = line.strip().split("\\s+");
        if (w.length != 2 || !(w[0].equals("mute") || w[0].equals("unmute")) || !(w[1].equals("mic") || w[1].equals("camera"))) {
          System.err.println("tally call: unknown command '" + line.strip() + "' (mute|unmute mic|camera)");
          continue;
        }
        boolean on = w[0].equals("mute");
        boolean micNow = w[1].equals("mic") ? on : session.micMuted();
        boolean cameraNow = w[1].equals("camera") ? on : session.cameraOff();
        session.setMuted(micNow, cameraNow);
        long wall = System.currentTimeMillis();
        if (json) {
          System.out.println(new ObjectMapper().createObjectNode().put("event", line.strip()).put("mic_muted", micNow)
              .put("camera_off", cameraNow).put("wall_ms", wall).toString());
        } else {
          System.out.println("call: " + line.strip() + " at " + wall);
        }
        System.out.flush();
      }
    } catch (java.io.IOException e) {
      // stdin closed: no more commands
    }
  }

  private void report(CallSession.Stats st, ReceivedAudio.Figures audio, int code, String reason, boolean micMuted,
      boolean cameraOff, long timecodes, long latencyMs, long size) {
    RtcStats rx = st.receive();
    RtcStats tx = st.send();
    ObjectNode o = new ObjectMapper().createObjectNode()
        .put("exit", code).put("result", reason).put("mode", mode).put("room", room).put("name", name)
        .put("peer", st.peer()).put("frames_received", st.framesReceived()).put("frames_sent", st.framesPushed())
        .put("frames_encoded", tx == null ? 0 : tx.framesEncoded()).put("frames_decoded", rx == null ? 0 : rx.framesDecoded())
        .put("width", (int) (size >>> 32)).put("height", (int) size)
        .put("mic_muted", micMuted).put("camera_off", cameraOff)
        .put("timecodes_read", timecodes).put("latency_ms", latencyMs).put("setup_ms", st.setupMillis())
        .put("codec", rx == null ? "" : rx.codec()).put("rtt_ms", rx == null ? -1 : rx.roundTripMillis())
        .put("packets_lost", rx == null ? 0 : rx.packetsLost())
        .put("bytes_received", rx == null ? 0 : rx.bytes())
        .put("candidate", rx == null ? "" : rx.candidateType())
        .put("jitter_buffer_ms", rx == null ? -1 : Math.round(rx.jitterBufferMillis()))
        .put("audio_jitter_buffer_ms", rx == null ? -1 : Math.round(rx.audioJitterBufferMillis()))
        .put("audio_target_delay_ms", rx == null ? -1 : Math.round(rx.audioTargetDelayMillis()))
        .put("audio_accelerated_ms", rx == null ? 0 : rx.audioAcceleratedSamples() / 48);
    o.put("audio_source", source.equals("test") ? "test tone" : mic.startsWith("pulse:") ? mic : "pulse:" + mic)
        .put("audio_samples", audio.samples()).put("audio_sample_rate", audio.sampleRate())
        .put("audio_channels", audio.channels()).put("audio_rms_dbfs", round(audio.rmsDb()));
    var levels = o.putArray("audio_levels"); // [wall clock ms, RMS dBFS] of each 100 ms received, the last minute
    audio.levels().forEach(l -> levels.addArray().add(l.wallMillis()).add(round(l.rmsDb())));
    ObjectNode steps = o.putObject("setup_steps"); // ms from the moment both were in the room, in order
    st.setupSteps().forEach(steps::put);
    if (json) {
      System.out.println(o.toString());
    } else {
      System.out.printf(Locale.ROOT, "call %s with %s: %s; received %d frames (%d time codes read, %d ms), sent %d, set-up %d ms, rtt %.1f ms;"
              + " heard %.1f s of audio at %.1f dBFS%n",
          room, st.peer(), reason, st.framesReceived(), timecodes, latencyMs, st.framesPushed(), st.setupMillis(),
          rx == null ? -1.0 : rx.roundTripMillis(), audio.sampleRate() == 0 ? 0.0 : audio.samples() / (double) audio.sampleRate(),
          audio.rmsDb());
    }
    System.out.flush();
  }

  private static double round(double db) {
    return Math.round(db * 10) / 10.0;
  }
}
