package studio.tally.cli;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import studio.tally.server.ServerConfig;
import studio.tally.server.TallyServer;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the embedded media server headless.",
        "Every listener serves RTMP, RTMPS, HTTP-FLV, HTTPS and the SRS-compatible API on one port."})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "TCP listener (repeatable). Default: 127.0.0.1:1935 and 127.0.0.1:8080.")
  List<String> listen;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON config file; flags override it.")
  Path config;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (default: self-signed, kept in the config dir).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key for --tls-cert.")
  Path tlsKey;

  @Option(names = "--publish-token", paramLabel = "TOKEN",
      description = "Publishers must give this as ?token= or in the stream key.")
  String publishToken;

  @Option(names = "--config-dir", paramLabel = "DIR", description = "Where the generated certificate is kept.")
  Path configDir;

  @Option(names = "--merge-write-ms", paramLabel = "MS",
      description = "Pin the batch media reaches players in (0 = each message at once). Default: adaptive, at once for a few players, growing with the players per event loop up to 350 ms.")
  Long mergeWriteMs;

  @Option(names = "--rtc-udp", paramLabel = "HOST:PORT",
      description = "WebRTC (ICE-lite) UDP address (default 127.0.0.1:8000; port 0 = any free port). WebRTC over TCP is on every --listen port.")
  String rtcUdp;

  @Option(names = "--rtc-consent-timeout-ms", paramLabel = "MS",
      description = "Close a WebRTC peer after this long without an authenticated packet: check, SRTP, SRTCP or DTLS (default 30000).")
  Long rtcConsentTimeoutMs;

  @Option(names = "--bridge-drop-b-frames", paramLabel = "APP/STREAM",
      description = "Drop the B-frames of this RTMP stream for its WebRTC players (repeatable; lossy: frames"
          + " that reference them decode with errors, an encoder without B-frames is the clean fix).")
  List<String> dropBFrames = new ArrayList<>();

  @Option(names = "--rtc-play-wait-ms", paramLabel = "MS",
      description = "A WebRTC player of a stream that is not live yet waits this long for its publisher (default 30000; 0 = refuse at once).")
  Long rtcPlayWaitMs;

  @Option(names = "--candidate", paramLabel = "IP",
      description = "Address advertised as a WebRTC host candidate; repeatable (default: the --rtc-udp and --listen IPs).")
  List<String> candidates;

  @Option(names = "--rtc-protocol", paramLabel = "udp|tcp|all",
      description = "Which WebRTC candidates to advertise: udp, tcp (on the --listen ports) or all (default).")
  String rtcProtocol;

  @Option(names = "--room-capacity", paramLabel = "N",
      description = "Call signaling (/sig/v1/rtc): participants per room (default 2, one-to-one).")
  Integer roomCapacity;

  @Option(names = "--signaling-token", paramLabel = "TOKEN",
      description = "Call signaling sockets must give this (?token= on the URL or token in join).")
  String signalingToken;

  @Option(names = "--ice-server", paramLabel = "URL",
      description = {"STUN/TURN server told to WHIP/WHEP clients in Link headers (repeatable):",
          "stun:HOST:PORT, turn:USER:PASS@HOST:PORT[?transport=tcp], turns:...; without USER:PASS, --turn-secret makes the credentials."})
  List<String> iceServers;

  @Option(names = "--turn-secret", paramLabel = "SECRET",
      description = "coturn's static-auth-secret (use-auth-secret): each answer gets TURN credentials valid for --turn-credential-ttl"
          + " (username 'EXPIRY:tally', password base64(HMAC-SHA1)) instead of a static password every client sees.")
  String turnSecret;

  @Option(names = "--turn-credential-ttl", paramLabel = "SECONDS",
      description = "How long --turn-secret credentials stay valid (default 86400).")
  Long turnCredentialTtl;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}).")
  String logLevel;

  @Option(names = "--exit-after-start", hidden = true,
      description = "Start, then stop at once: the launcher's first run of a build, which records the classes a"
          + " starting server loads in its class-data archive (and only those: an archive written at the end of a busy"
          + " run maps every class that run used into every later start, ~17 MiB more of an idle server's memory).")
  boolean exitAfterStart;

  @Override
  public Integer call() throws Exception {
    Level level = Level.toLevel(logLevel.toUpperCase(), null);
    if (level == null) {
      throw new UserError("--log-level: '" + logLevel + "' is not one of error, warn, info, debug, trace");
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);

    ServerConfig cfg = config == null ? ServerConfig.defaults() : readConfig(config);
    if (listen != null && !listen.isEmpty()) {
      for (String l : listen) {
        try {
          ServerConfig.parseHostPort(l);
        } catch (IllegalArgumentException e) {
          throw new UserError("--listen: " + e.getMessage());
        }
      }
      cfg = cfg.withListen(listen);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UserError("--tls-cert and --tls-key go together");
    }
    if (tlsCert != null) {
      for (Path p : List.of(tlsCert, tlsKey)) {
        if (!Files.isReadable(p)) {
          throw new UserError("cannot read " + p);
        }
      }
      cfg = cfg.withTls(tlsCert.toString(), tlsKey.toString());
    }
    if (publishToken != null) {
      if (publishToken.isBlank()) {
        throw new UserError("--publish-token must not be empty");
      }
      cfg = cfg.withPublishToken(publishToken);
    }
    if (configDir != null) {
      cfg = cfg.withConfigDir(configDir.toString());
    }
    if (mergeWriteMs != null) {
      if (mergeWriteMs < 0 || mergeWriteMs > 1000) {
        throw new UserError("--merge-write-ms must be 0..1000");
      }
      cfg = cfg.withMergeWriteMs(mergeWriteMs);
    }

    if (rtcUdp != null) {
      try {
        ServerConfig.parseHostPort(rtcUdp);
      } catch (IllegalArgumentException e) {
        throw new UserError("--rtc-udp: " + e.getMessage());
      }
      cfg = cfg.withRtcUdp(rtcUdp);
    }
    if (rtcConsentTimeoutMs != null) {
      if (rtcConsentTimeoutMs < 100 || rtcConsentTimeoutMs > 600_000) {
        throw new UserError("--rtc-consent-timeout-ms must be 100..600000");
      }
      cfg = cfg.withRtcConsentTimeoutMs(rtcConsentTimeoutMs);
    }
    if (candidates != null && !candidates.isEmpty()) {
      for (String c : candidates) {
        if (c.isBlank() || c.chars().anyMatch(Character::isWhitespace)) {
          throw new UserError("--candidate: '" + c + "' is not an address");
        }
      }
      cfg = cfg.withCandidates(candidates);
    }
    if (rtcProtocol != null) {
      try {
        studio.tally.server.webrtc.sdp.RtcProtocol.parse(rtcProtocol);
      } catch (IllegalArgumentException e) {
        throw new UserError("--rtc-protocol: " + e.getMessage());
      }
      cfg = cfg.withRtcProtocol(rtcProtocol);
    }
    if (roomCapacity != null) {
      if (roomCapacity < 1 || roomCapacity > 1000) {
        throw new UserError("--room-capacity must be 1..1000");
      }
      cfg = cfg.withSignaling(cfg.signalingSettings().withRoomCapacity(roomCapacity));
    }
    if (signalingToken != null) {
      if (signalingToken.isBlank()) {
        throw new UserError("--signaling-token must not be empty");
      }
      cfg = cfg.withSignaling(cfg.signalingSettings().withToken(signalingToken));
    }

    if (iceServers != null || turnSecret != null || turnCredentialTtl != null) {
      var file = cfg.iceServerLinks();
      try {
        cfg = cfg.withIceServers(new studio.tally.server.http.IceServerLinks(iceServers != null ? iceServers : file.urls(),
            turnSecret != null ? turnSecret : file.turnSecret(),
            turnCredentialTtl != null ? turnCredentialTtl : file.credentialTtlSeconds()));
      } catch (IllegalArgumentException e) {
        throw new UserError("--ice-server: " + e.getMessage());
      }
    }

    if (rtcPlayWaitMs != null && (rtcPlayWaitMs < 0 || rtcPlayWaitMs > 600_000)) {
      throw new UserError("--rtc-play-wait-ms must be 0..600000");
    }
    for (String key : dropBFrames) {
      streamKey(key); // checked before anything binds
    }
    TallyServer server;
    try {
      // media's FFmpeg transcoder turns RTMP's AAC into Opus for WebRTC players (and back)
      server = TallyServer.start(cfg, Version.current(), new studio.tally.media.transcode.FfmpegAudioTranscoders());
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError(e.getMessage(), 1);
    }
    for (String key : dropBFrames) {
      server.bridges().setDropBFrames(streamKey(key), true);
    }
    if (rtcPlayWaitMs != null) {
      server.rtcStreams().setPlayWait(java.time.Duration.ofMillis(rtcPlayWaitMs));
    }
    if (exitAfterStart) {
      server.close();
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      server.close();
      stopped.countDown();
    };
    Signals.onTerminate(stop);
    stopped.await();
    return 0;
  }

  private static ServerConfig readConfig(Path file) {
    try {
      return ServerConfig.read(file);
    } catch (IOException e) {
      throw new UserError("--config " + e.getMessage());
    }
  }

  private static studio.tally.server.hub.StreamKey streamKey(String appStream) {
    String[] parts = appStream.split("/");
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new UserError("--bridge-drop-b-frames wants APP/STREAM, e.g. live/cam (got '" + appStream + "')");
    }
    try {
      return new studio.tally.server.hub.StreamKey(parts[0], parts[1]);
    } catch (IllegalArgumentException e) {
      throw new UserError("--bridge-drop-b-frames: " + e.getMessage());
    }
  }
}
