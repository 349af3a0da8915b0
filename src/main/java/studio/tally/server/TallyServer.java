package studio.tally.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.server.http.HttpLimits;
import studio.tally.server.http.HttpPipeline;
import studio.tally.server.http.ServerStatus;
import studio.tally.server.hub.HubLimits;
import studio.tally.server.hub.StreamHub;
import studio.tally.server.net.ConnectionSniffer;
import studio.tally.server.net.LazySslContext;
import studio.tally.server.net.Protocol;
import studio.tally.server.net.ProtocolHandlers;
import studio.tally.server.net.SniffStats;
import studio.tally.server.rtmp.RtmpPipeline;
import studio.tally.server.signaling.SignalingEndpoint;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.server.webrtc.RtcTransportConfig;
import studio.tally.server.webrtc.WebRtcTransportServer;

/**
 * The embedded server: every TCP listener serves RTMP, RTMPS, HTTP and HTTPS (API and HTTP-FLV) on
 * one port. Start with {@link #start}, stop with {@link #close} (players are ended cleanly).
 */
public final class TallyServer implements AutoCloseable, ServerStatus {
  private static final Logger log = LoggerFactory.getLogger(TallyServer.class);

  private final ServerConfig config;
  private final String version;
  private final Instant startedAt = Instant.now();
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ScheduledExecutorService timers;
  private final StreamHub hub;
  private final SniffStats sniffStats = new SniffStats();
  private final ServerCertificate certificate;
  private final LazySslContext ssl;
  private final List<Channel> listeners = new ArrayList<>();
  private final String serverId;
  private final String serviceId;
  private final WebRtcTransportServer webrtc;
  private final studio.tally.server.webrtc.sfu.RtcStreamRegistry rtcStreams =
      new studio.tally.server.webrtc.sfu.RtcStreamRegistry(InstantSource.system(),
          studio.tally.server.webrtc.sfu.RtcStreamRegistry.DEFAULT_PUBLISHER_GRACE);
  private final SignalingEndpoint signaling;
  private volatile boolean closed;

  private final studio.tally.server.bridge.RtmpToRtcBridges bridges;
  private final studio.tally.server.bridge.RtcToFlvBridges rtcToFlv;

  private TallyServer(ServerConfig config, String version, studio.tally.server.bridge.AudioTranscoderFactory transcoders)
      throws IOException {
    this.config = config;
    this.version = version;
    this.certificate = config.tlsCert() != null
        ? ServerCertificate.load(Path.of(config.tlsCert()), Path.of(config.tlsKey() != null ? config.tlsKey() : config.tlsCert()))
        : ServerCertificate.loadOrCreate(config.configPath());
    // the JDK's SSLContext with our key manager, not Netty's SslContextBuilder: building Netty's JDK server
    // context first probes its PEM reader, which instantiates BouncyCastle's JCE provider when BouncyCastle is
    // on the class path (~100 MB of allocation, seconds of start-up); no trust store: no client certificates
    ServerCertificate tlsIdentity = certificate;
    this.ssl = new LazySslContext(() -> {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {tlsIdentity.keyManager()}, new TrustManager[0], null);
      return tls;
    });
    this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tally-accept", true), NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
        new DefaultThreadFactory("tally-io", true), NioIoHandler.newFactory());
    this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tally-hub-timer").daemon().factory());
    this.hub = new StreamHub(PooledByteBufAllocator.DEFAULT, HubLimits.DEFAULT.withBatching(config.batching()),
        InstantSource.system(), timers);
    this.serverId = "vid-" + hub.newId().substring(0, 7);
    this.serviceId = hub.newId();
    this.webrtc = new WebRtcTransportServer(RtcTransportConfig.DEFAULT.withConsentTimeout(config.rtcConsentTimeout()),
        workers, certificate);
    this.signaling = new SignalingEndpoint(config.signalingSettings());
    this.bridges = new studio.tally.server.bridge.RtmpToRtcBridges(hub, rtcStreams, workers, PooledByteBufAllocator.DEFAULT,
        transcoders);
    // WHIP publishers to FLV/RTMP players; its links end with their publishers
    this.rtcToFlv = studio.tally.server.bridge.RtcToFlvBridges.start(hub, rtcStreams, transcoders);
    if (transcoders == null) {
      log.info("no audio transcoder: WebRTC players of RTMP streams get video only (and RTMP/FLV players of"
          + " WebRTC streams no audio)");
    }
  }

  /** Starts every listener of {@code config}; fails (and cleans up) if one cannot bind. */
  public static TallyServer start(ServerConfig config, String version) throws IOException {
    return start(config, version, null);
  }

  /**
   * Starts the server with an audio transcoder for the RTMP &lt;-&gt; WebRTC bridge ({@code media}
   * implements it; null: bridged streams carry video only).
   */
  public static TallyServer start(ServerConfig config, String version,
      studio.tally.server.bridge.AudioTranscoderFactory transcoders) throws IOException {
    TallyServer server = new TallyServer(config, version, transcoders);
    try {
      server.bind();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void bind() throws IOException {
    var rtcRoutes = new studio.tally.server.http.WebRtcRoutes(webrtc, rtcStreams, this::rtcCandidates,
        config.publishToken(), hub, bridges, config.iceServerLinks());
    HttpPipeline http = new HttpPipeline(hub, HttpLimits.DEFAULT, this, rtcRoutes, signaling);
    RtmpPipeline rtmp = new RtmpPipeline(hub, config.publishToken(), config.rtmpIdleTimeout());
    ProtocolHandlers handlers = new ProtocolHandlers() {
      @Override
      public void install(Protocol protocol, ChannelPipeline pipeline, boolean tls) {
        switch (protocol) {
          case HTTP -> http.install(pipeline, tls);
          case RTMP -> rtmp.install(pipeline, tls);
          case STUN_TCP -> webrtc.installTcp(pipeline);
          default -> throw new IllegalStateException("no handlers for " + protocol);
        }
      }

      @Override
      public boolean supports(Protocol protocol) {
        return protocol == Protocol.HTTP || protocol == Protocol.RTMP || protocol == Protocol.STUN_TCP;
      }
    };
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("sniff", new ConnectionSniffer(handlers, ssl, config.sniffTimeout(), sniffStats));
          }
        });
    for (String spec : config.listen()) {
      InetSocketAddress addr = ServerConfig.parseHostPort(spec);
      try {
        Channel ch = b.bind(addr).syncUninterruptibly().channel();
        listeners.add(ch);
        log.info("listening on {}: rtmp, rtmps, http, https (api, http-flv, whip/whep, ws/wss signaling)", hostPort((InetSocketAddress) ch.localAddress()));
      } catch (Exception e) {
        if (e instanceof BindException || e.getCause() instanceof BindException) {
          throw new IOException("cannot listen on " + spec + ": " + e.getMessage() + " (is another server using it?)", e);
        }
        throw new IOException("cannot listen on " + spec + ": " + e.getMessage(), e);
      }
    }
    webrtc.bindUdp(config.rtcUdpAddress());
    log.info("webrtc ice-lite on udp {} ({} socket(s), one per RTC loop) and tcp on every listener",
        hostPort(webrtc.udpAddress()), webrtc.udpSockets());
    log.info("TLS certificate {} SHA-256 {}", certificate.leaf().getSubjectX500Principal().getName(),
        certificate.sha256Fingerprint());
    if (config.publishToken() != null) {
      log.info("publishing requires the token (?token= or in the stream key)");
    }
    timers.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      hub.sampleRates(now);
      rtcStreams.sampleRates(now);
    }, 0, 5, TimeUnit.SECONDS);
  }

  static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  public List<InetSocketAddress> boundAddresses() {
    return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  /** WebRTC (WHIP/WHEP) streams. */
  /** The RTMP -&gt; WebRTC bridges (counters, per-stream B-frame dropping). */
  public studio.tally.server.bridge.RtmpToRtcBridges bridges() {
    return bridges;
  }

  /** The WebRTC -&gt; FLV/RTMP bridges (per-stream counters). */
  public studio.tally.server.bridge.RtcToFlvBridges rtcToFlvBridges() {
    return rtcToFlv;
  }

  public studio.tally.server.webrtc.sfu.RtcStreamRegistry rtcStreams() {
    return rtcStreams;
  }

  /**
   * Host candidates for SDP answers: per address ({@code candidates}, else the UDP and listener IPs;
   * a wildcard becomes 127.0.0.1) the UDP port and every TCP listener port, as {@code rtcProtocol} allows.
   */
  public List<studio.tally.server.webrtc.sdp.CandidateAddress> rtcCandidates() {
    var protocol = config.rtcProtocolValue();
    InetSocketAddress udp = webrtc.udpAddress();
    List<InetSocketAddress> tcp = boundAddresses();
    java.util.LinkedHashSet<String> ips = new java.util.LinkedHashSet<>();
    if (config.candidates() != null && !config.candidates().isEmpty()) {
      ips.addAll(config.candidates());
    } else {
      if (udp != null) {
        ips.add(candidateIp(udp));
      }
      tcp.forEach(a -> ips.add(candidateIp(a)));
    }
    List<studio.tally.server.webrtc.sdp.CandidateAddress> out = new ArrayList<>();
    for (String ip : ips) {
      if (protocol != studio.tally.server.webrtc.sdp.RtcProtocol.TCP && udp != null) {
        out.add(new studio.tally.server.webrtc.sdp.CandidateAddress(
            studio.tally.server.webrtc.sdp.CandidateAddress.Transport.UDP, ip, udp.getPort()));
      }
      if (protocol != studio.tally.server.webrtc.sdp.RtcProtocol.UDP) {
        for (int port : tcp.stream().map(InetSocketAddress::getPort).distinct().toList()) {
          out.add(new studio.tally.server.webrtc.sdp.CandidateAddress(
              studio.tally.server.webrtc.sdp.CandidateAddress.Transport.TCP, ip, port));
        }
      }
    }
    return out;
  }

  private static String candidateIp(InetSocketAddress a) {
    return a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
  }

  /** Call signaling ({@code /sig/v1/rtc}): rooms and sockets. */
  public SignalingEndpoint signaling() {
    return signaling;
  }

  public StreamHub hub() {
    return hub;
  }

  public SniffStats sniffStats() {
    return sniffStats;
  }

  /** The WebRTC transport (ICE-lite, DTLS, SRTP) for the signaling layers: {@code createTransport(...)}. */
  public WebRtcTransportServer webrtc() {
    return webrtc;
  }

  public ServerCertificate certificate() {
    return certificate;
  }

  @Override
  public String serverId() {
    return serverId;
  }

  @Override
  public String serviceId() {
    return serviceId;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Protocol p : Protocol.values()) {
      m.put("sniffed_" + p.name().toLowerCase(), sniffStats.matchedCount(p));
    }
    m.put("sniff_rejected", sniffStats.rejected.sum());
    m.put("sniff_timed_out", sniffStats.timedOut.sum());
    m.put("tls_failed", sniffStats.tlsFailed.sum());
    m.putAll(webrtc.counters().snapshot());
    m.put("rtc_unknown_ssrc", rtcStreams.unknownSsrcDropped());
    m.put("signaling_sockets", (long) signaling.socketCount());
    m.put("signaling_rooms", (long) signaling.roomCount());
    m.put("signaling_participants", (long) signaling.memberCount());
    return m;
  }

  /** Stops accepting, ends players and publishers cleanly, then stops the threads (about 1 s at most). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Channel ch : listeners) {
      ch.close().awaitUninterruptibly(500);
    }
    rtcToFlv.close();
    bridges.close();
    hub.close();
    webrtc.close();
    // let the players' final flushes and closes run before the loops stop
    workers.shutdownGracefully(100, 1000, TimeUnit.MILLISECONDS).awaitUninterruptibly(1500);
    boss.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(500);
    timers.shutdownNow();
    log.info("server stopped");
  }
}
