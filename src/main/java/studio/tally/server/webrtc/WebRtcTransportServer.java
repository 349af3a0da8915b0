package studio.tally.server.webrtc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.stun.Demux;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsRole;

/**
 * The WebRTC transport server: UDP sockets plus RFC 4571 over any TCP listener (installed by the
 * port sniffer through {@link #installTcp}), an ICE-lite agent shared by both, and the
 * {@link RtcTransport}s the signaling layer creates with {@link #createTransport}.
 *
 * <p>With epoll, one UDP socket per RTC loop, all bound to the same port with SO_REUSEPORT
 * ({@value #LOOPS_PROPERTY}, default: one per available processor). The kernel picks the socket by a
 * hash of the 4-tuple, so a peer's datagrams always reach the same socket and loop; a transport is
 * adopted by the loop whose socket (or TCP connection) received its first valid check, and lives
 * there. Without epoll (NIO) there is one socket on one loop.
 *
 * <p>Packets are demultiplexed by their first byte (RFC 7983): STUN goes to the agent; DTLS and
 * SRTP/SRTCP go to the transport whose check bound that path (UDP source address or TCP connection);
 * from an unbound path they are dropped and counted, as is anything else.
 */
public final class WebRtcTransportServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebRtcTransportServer.class);
  /**
   * {@code -Dtally.rtc.udp=nio}: the portable NIO socket even where epoll loads; {@code =epoll}: epoll with
   * Netty's own sendmmsg batches instead of {@link MmsgSender} (read at bind).
   */
  public static final String UDP_PROPERTY = "tally.rtc.udp";
  /** {@code -Dtally.rtc.loops=N}: UDP sockets and loops for WebRTC (default: available processors; 1: one loop). */
  public static final String LOOPS_PROPERTY = "tally.rtc.loops";

  private final RtcTransportConfig config;
  private final EventLoopGroup loops;
  private final ServerCertificate certificate;
  private final LongSupplier nanoClock;
  private final RtcCounters counters = new RtcCounters();
  private final IceLiteAgent agent = new IceLiteAgent(counters);
  /** The first UDP socket (its address is every socket's address). */
  private Channel udp;
  /** Every UDP socket, one per RTC loop, same port (SO_REUSEPORT). */
  private java.util.List<Channel> udps = java.util.List.of();
  /** The UDP sockets' own epoll loops (null: NIO on one of {@link #loops}). */
  private EventLoopGroup udpLoop;
  /** The fan-out's native send batch on {@link #udp} (null: Netty writes every datagram). */
  private MmsgSender mmsg;
  private volatile boolean closed;

  /**
   * @param loops event loops for the UDP socket and the transports (the server's I/O workers)
   * @param certificate our DTLS identity; its SHA-256 fingerprint goes into SDP answers
   */
  public WebRtcTransportServer(RtcTransportConfig config, EventLoopGroup loops, ServerCertificate certificate) {
    this(config, loops, certificate, System::nanoTime);
  }

  WebRtcTransportServer(RtcTransportConfig config, EventLoopGroup loops, ServerCertificate certificate,
      LongSupplier nanoClock) {
    this.config = Objects.requireNonNull(config, "config");
    this.loops = Objects.requireNonNull(loops, "loops");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.nanoClock = nanoClock;
  }

  /**
   * Binds the UDP sockets ({@code port 0} = any free port; see {@link #udpAddress()}): one per RTC loop,
   * {@value #LOOPS_PROPERTY} of them (default: available processors).
   */
  public void bindUdp(InetSocketAddress address) throws IOException {
    bindUdp(address, Integer.getInteger(LOOPS_PROPERTY, Runtime.getRuntime().availableProcessors()));
  }

  /** As {@link #bindUdp(InetSocketAddress)} with {@code rtcLoops} sockets and loops (1: everything on one loop). */
  public void bindUdp(InetSocketAddress address, int rtcLoops) throws IOException {
    if (udp != null) {
      throw new IllegalStateException("UDP already bound on " + udp.localAddress());
    }
    if (rtcLoops < 1) {
      throw new IllegalArgumentException(LOOPS_PROPERTY + " must be at least 1: " + rtcLoops);
    }
    // epoll where Netty's native transport loads (Linux; -Dio.netty.transport.noNative=true turns it off):
    // its datagram channel sends a flushed batch with sendmmsg. It needs epoll loops of its own.
    boolean native_ = !"nio".equals(System.getProperty(UDP_PROPERTY)) && Epoll.isAvailable();
    if (!native_ && rtcLoops > 1) {
      log.info("webrtc udp: one loop, not {}: SO_REUSEPORT needs the epoll transport ({})", rtcLoops,
          "nio".equals(System.getProperty(UDP_PROPERTY)) ? "-D" + UDP_PROPERTY + "=nio"
              : "epoll unavailable: " + Epoll.unavailabilityCause());
      rtcLoops = 1;
    }
    EventLoopGroup group = loops;
    if (native_) {
      udpLoop = new MultiThreadIoEventLoopGroup(rtcLoops, new DefaultThreadFactory("tally-rtc-udp", true),
          EpollIoHandler.newFactory());
      group = udpLoop;
    }
    java.util.List<Channel> bound = new java.util.ArrayList<>();
    try {
      InetSocketAddress at = rtcLoops > 1 ? unshared(address) : address;
      for (int i = 0; i < rtcLoops; i++) {
        // each socket on its own loop (next() goes round the group), the first one's port for the others
        Bootstrap b = new Bootstrap().group(group.next()).channel(native_ ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, 1 << 20)
            .option(ChannelOption.SO_SNDBUF, 4 << 20)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(config.maxUdpDatagram()))
            .handler(new RtcUdpListener(this));
        if (rtcLoops > 1) {
          b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
        }
        Channel c = b.bind(at).syncUninterruptibly().channel();
        bound.add(c);
        at = (InetSocketAddress) c.localAddress();
        MmsgSender m = UdpBatch.install(c, native_ && !"epoll".equals(System.getProperty(UDP_PROPERTY)),
            counters.udpSendDropped);
        if (i == 0) {
          udp = c;
          mmsg = m;
        }
      }
      udps = java.util.List.copyOf(bound);
      log.debug("webrtc udp on {}, {} socket(s) ({})", udp.localAddress(), udps.size(), mmsg != null ? "epoll, " + mmsg
          : native_ ? "epoll, sendmmsg batches through Netty" : "nio");
    } catch (Exception e) {
      for (Channel c : bound) {
        c.close().awaitUninterruptibly(500);
      }
      udp = null;
      mmsg = null;
      if (udpLoop != null) {
        udpLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        udpLoop = null;
      }
      // the JDK says BindException; Netty's epoll says "bind(..) failed with error(-98): Address already in use"
      if (e instanceof BindException || e.getCause() instanceof BindException
          || String.valueOf(e.getMessage()).contains("Address already in use")) {
        throw new IOException("cannot bind WebRTC UDP " + address + ": " + e.getMessage()
            + " (is another server using it?)", e);
      }
      throw new IOException("cannot bind WebRTC UDP " + address + ": " + e.getMessage(), e);
    }
  }

  /**
   * The port for the SO_REUSEPORT group, checked free first with a plain socket: the kernel lets a
   * reuse-port socket join any port that other reuse-port sockets of the same user hold — a second
   * server on our port would share its datagrams instead of failing with "address in use", and even
   * a bind to port 0 may be handed such a port (two servers of one user, e.g. two test JVMs, then steal
   * each other's packets). A plain socket conflicts with every other one, so it fails where the port
   * is taken and otherwise finds a port nobody holds; the group binds that port right after.
   */
  private static InetSocketAddress unshared(InetSocketAddress address) throws IOException {
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(null)) {
      probe.setReuseAddress(false);
      probe.bind(address);
      return new InetSocketAddress(address.getAddress(), probe.getLocalPort());
    }
  }

  /**
   * The UDP socket's transport: "sendmmsg" (epoll, media batched through {@link MmsgSender}), "epoll"
   * (batched with Netty's sendmmsg), "nio", or null before {@link #bindUdp}.
   */
  public String udpTransport() {
    return udp == null ? null : mmsg != null ? "sendmmsg" : udp instanceof EpollDatagramChannel ? "epoll" : "nio";
  }

  /** UDP sockets (one per RTC loop), 0 before {@link #bindUdp}. */
  public int udpSockets() {
    return udps.size();
  }

  /** The bound UDP address (for host candidates), or null before {@link #bindUdp}. */
  public InetSocketAddress udpAddress() {
    return udp == null ? null : (InetSocketAddress) udp.localAddress();
  }

  /** Installs WebRTC-over-TCP at the end of a sniffed connection's pipeline. */
  public void installTcp(ChannelPipeline pipeline) {
    pipeline.addLast("rtc-tcp", new RtcTcpHandler(this, config.maxTcpFrame(), config.consentTimeout()));
  }

  /**
   * A transport for one peer connection, waiting for the peer's checks.
   *
   * @param credentials ours (for the SDP answer) and the peer's ufrag from its offer
   * @param remoteFingerprint the peer's {@code a=fingerprint}; the DTLS handshake fails on a mismatch
   *     (null: not checked — only for tests)
   * @throws IllegalArgumentException when another transport already uses the same ufrag pair
   * @throws IllegalStateException after {@link #close}
   */
  public RtcTransport createTransport(IceCredentials credentials, CertificateFingerprint remoteFingerprint,
      RtcTransport.Listener listener) {
    return createTransport(credentials, remoteFingerprint, DtlsRole.SERVER, listener);
  }

  /** As {@link #createTransport(IceCredentials, CertificateFingerprint, RtcTransport.Listener)}, in the DTLS role our answer took. */
  public RtcTransport createTransport(IceCredentials credentials, CertificateFingerprint remoteFingerprint,
      DtlsRole dtlsRole, RtcTransport.Listener listener) {
    if (closed) {
      throw new IllegalStateException("WebRTC transport server is closed");
    }
    // A transport lives on the loop of the UDP socket its peer's address hashes to (or of its TCP
    // connection): its first valid check adopts it there. The SFU's fan-out to the players of that
    // loop (sendRtp → SRTP → socket write) then runs inline, with no task hop per packet per player
    // (the rtc-fanout bench measured those at ~17 % of the server's samples). With one socket every
    // transport lives on its loop from the start.
    EventLoop home = udp != null ? (udps.size() == 1 ? udp.eventLoop() : udpLoop.next()) : loops.next();
    RtcTransport t = new RtcTransport(this, credentials, remoteFingerprint, dtlsRole, listener, home,
        udps.size() <= 1, nanoClock, config.consentTimeout());
    try {
      agent.register(t);
    } catch (IllegalArgumentException e) {
      t.abandon();
      throw e;
    }
    counters.transportsCreated.increment();
    return t;
  }

  /** Our DTLS certificate's SHA-256 fingerprint, for {@code a=fingerprint:sha-256 ...}. */
  public String localFingerprintSha256() {
    return certificate.sha256Fingerprint();
  }

  public RtcCounters counters() {
    return counters;
  }

  /** Open transports. */
  public int transportCount() {
    return agent.transportCount();
  }

  RtcTransportConfig config() {
    return config;
  }

  ServerCertificate certificate() {
    return certificate;
  }

  /** Demultiplexes one packet from {@code path}; does not release {@code packet} (retains what it keeps). */
  void onPacket(ByteBuf packet, RtcPath path) {
    switch (Demux.classify(packet)) {
      case STUN -> agent.onStun(packet, path);
      case DTLS -> {
        RtcTransport t = agent.boundTo(path);
        if (t == null) {
          counters.unknownSource.increment();
          log.debug("{}: DTLS from a path without a valid check dropped", path);
        } else {
          t.onDtls(packet);
        }
      }
      case RTP_RTCP -> {
        RtcTransport t = agent.boundTo(path);
        if (t == null) {
          counters.unknownSource.increment();
          log.debug("{}: SRTP from a path without a valid check dropped", path);
        } else {
          t.onSrtp(packet.retain());
        }
      }
      default -> {
        counters.unknownKind.increment();
        log.debug("{}: packet with first byte {} dropped", path, packet.isReadable() ? packet.getUnsignedByte(packet.readerIndex()) : -1);
      }
    }
  }

  void onTcpClosed(RtcPath.Tcp path) {
    RtcTransport t = agent.unbind(path);
    if (t != null) {
      t.onPathClosed(path);
    }
  }

  /** A transport closed: forget it, and close the TCP connections that carried only it. */
  void forget(RtcTransport t) {
    for (RtcPath p : agent.unregister(t)) {
      if (p instanceof RtcPath.Tcp tcp) {
        tcp.channel().close();
      }
    }
    counters.transportsClosed.increment();
  }

  /** Whether a successful check bound this path to a transport. */
  boolean isBound(RtcPath path) {
    return agent.boundTo(path) != null;
  }

  /** Closes every transport ("server closed") and the UDP socket. Call before the event loops stop. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (RtcTransport t : agent.transports()) {
      t.close("server closed");
    }
    for (Channel c : udps) {
      c.close().awaitUninterruptibly(500);
    }
    if (udpLoop != null) {
      udpLoop.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
    }
  }
}
