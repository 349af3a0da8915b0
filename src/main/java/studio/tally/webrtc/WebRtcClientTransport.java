package studio.tally.webrtc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.srtp.SrtpContext;
import studio.tally.proto.srtp.SrtpException;
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.stun.Demux;
import studio.tally.proto.stun.TurnStreamFraming;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsClientSession;
import studio.tally.webrtc.dtls.DtlsConfig;
import studio.tally.webrtc.dtls.DtlsFailure;
import studio.tally.webrtc.dtls.DtlsIdentity;
import studio.tally.webrtc.dtls.DtlsResult;
import studio.tally.webrtc.dtls.DtlsRole;
import studio.tally.webrtc.dtls.DtlsServerSession;
import studio.tally.webrtc.dtls.DtlsSession;
import studio.tally.webrtc.ice.IceControllingAgent;
import studio.tally.webrtc.ice.IceParameters;
import studio.tally.webrtc.ice.TurnClient;
import studio.tally.webrtc.ice.TurnServer;

/**
 * The client end of a WebRTC transport (what a WHIP publisher needs): one Netty channel (UDP to the
 * answer's host candidates, or one TCP connection with RFC 4571 framing for "ICE over TCP only"),
 * the controlling ICE agent, DTLS in the role the answer's {@code a=setup} leaves us, and SRTP.
 * Plain RTP/RTCP go in through {@link #sendRtp}/{@link #sendRtcp}; decrypted RTCP comes out through
 * the {@link Listener}. Everything runs on the channel's event loop; the DTLS handshake on its own
 * virtual thread ({@link DtlsSession}), its results hop back to the loop.
 *
 * <p>With a {@link Relay}, the client also talks to a TURN server ({@link TurnClient}): over the same
 * UDP socket ({@code turn:}), or over its own TCP connection ({@code turn:...?transport=tcp}) or TLS
 * connection ({@code turns:}), where STUN messages and padded ChannelData follow each other framed by
 * their own lengths ({@link TurnStreamFraming}). Once the allocation is ready, with a permission and a
 * channel per remote candidate, ICE checks the relayed pairs beside the direct ones; if a relayed pair
 * is selected, ICE, DTLS, SRTP and RTCP all go as ChannelData through the relay (Send indications until
 * the channel is bound).
 */
public final class WebRtcClientTransport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebRtcClientTransport.class);

  /** Transport events, called on the event loop; must not block. */
  public interface Listener {
    /** ICE and DTLS are up: media may flow. */
    void onConnected(DtlsResult dtls);

    /** One decrypted RTCP compound packet (not retained after the call). */
    void onRtcp(ByteBuf rtcp);

    /** ICE or DTLS failed, or consent was lost; the transport is closed. Called at most once. */
    void onFailed(String reason);
  }

  /**
   * What the answer said about the remote end.
   *
   * @param dtlsRole our role: {@link DtlsRole#CLIENT} when the answer says {@code a=setup:passive},
   *     {@link DtlsRole#SERVER} when it says {@code active}
   * @param udpCandidates the answer's UDP host candidates (used unless {@code tcp} is set)
   * @param tcp a passive TCP candidate to use instead of UDP, or null
   */
  public record Remote(IceParameters ice, CertificateFingerprint fingerprint, DtlsRole dtlsRole,
      List<InetSocketAddress> udpCandidates, InetSocketAddress tcp) {
    public Remote {
      Objects.requireNonNull(ice, "ice");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(dtlsRole, "dtlsRole");
      udpCandidates = List.copyOf(udpCandidates);
      if (tcp == null && udpCandidates.isEmpty()) {
        throw new IllegalArgumentException("the answer has no usable candidate");
      }
    }
  }

  /** How a {@code turns:} connection trusts the TURN server's certificate. */
  public interface RelayTls {
    /** A client SslHandler for host:port (SNI, and host name verification when trusting by CA). */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port);

    /** Why the last certificate was refused, in words, or null. */
    String lastFailure();
  }

  /**
   * A TURN server to relay through, its address already resolved (off the event loop).
   *
   * @param tls how to trust a {@code turns:} server (required for one, ignored otherwise)
   */
  public record Relay(TurnServer server, InetSocketAddress address, RelayTls tls) {
    public Relay {
      Objects.requireNonNull(server, "server");
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("resolve " + server.uri() + " before starting the transport");
      }
      if (server.transport() == TurnServer.Transport.TLS && tls == null) {
        throw new IllegalArgumentException(server.uri() + " needs a way to trust its certificate");
      }
    }

    public Relay(TurnServer server, InetSocketAddress address) {
      this(server, address, null);
    }
  }

  private final Remote remote;
  private final TurnClient turn;
  private final InetSocketAddress turnAddress;
  private final RelayTls turnTls;
  private Channel turnChannel; // TCP/TLS to the TURN server; null when it goes over the UDP socket
  private boolean turnReported;
  private final DtlsIdentity identity;
  private final DtlsConfig dtlsConfig;
  private final Listener listener;
  private final IceControllingAgent ice;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Channel channel;
  private EventLoop loop;
  private ScheduledFuture<?> ticker;
  private DtlsSession dtls;
  private SrtpContext send;
  private SrtpContext receive;
  private boolean failed;
  private volatile boolean connected;
  private long srtpErrors;
  private long sendErrors;

  private WebRtcClientTransport(Remote remote, DtlsIdentity identity, DtlsConfig dtlsConfig, Listener listener,
      java.time.Duration iceTimeout, Relay relay) {
    this.remote = remote;
    this.identity = identity;
    this.dtlsConfig = dtlsConfig;
    this.listener = listener;
    List<InetSocketAddress> targets = remote.tcp() != null ? List.of(remote.tcp()) : remote.udpCandidates();
    SecureRandom random = new SecureRandom();
    this.ice = new IceControllingAgent(remote.ice(), targets, random, iceTimeout, java.time.Duration.ofSeconds(30));
    if (relay != null && remote.tcp() == null) {
      this.turn = new TurnClient(relay.server(), random);
      this.turnAddress = relay.address();
      this.turnTls = relay.tls();
      targets.forEach(turn::addPeer);
    } else {
      this.turn = null;
      this.turnAddress = null;
      this.turnTls = null;
    }
  }

  /**
   * Opens the channel on {@code loop} and starts ICE; the outcome arrives through the listener.
   * Never blocks: a TCP connect that fails reports through {@link Listener#onFailed}.
   */
  public static WebRtcClientTransport start(Remote remote, DtlsIdentity identity, DtlsConfig dtlsConfig,
      java.time.Duration iceTimeout, EventLoop loop, Listener listener) {
    return start(remote, identity, dtlsConfig, iceTimeout, null, loop, listener);
  }

  /**
   * As {@link #start(Remote, DtlsIdentity, DtlsConfig, java.time.Duration, EventLoop, Listener)}, also
   * checking relayed pairs through {@code relay} (null: none; ignored for ICE over TCP).
   */
  public static WebRtcClientTransport start(Remote remote, DtlsIdentity identity, DtlsConfig dtlsConfig,
      java.time.Duration iceTimeout, Relay relay, EventLoop loop, Listener listener) {
    WebRtcClientTransport t = new WebRtcClientTransport(remote, identity, dtlsConfig, listener, iceTimeout, relay);
    t.open(loop);
    return t;
  }

  private void open(EventLoop eventLoop) {
    this.loop = eventLoop;
    Bootstrap b = new Bootstrap().group(eventLoop);
    ChannelFuture f;
    if (remote.tcp() != null) {
      b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              // RFC 4571: a 2-byte big-endian length before every packet, both ways
              ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(2 + 0xFFFF, 0, 2, 0, 2),
                  new LengthFieldPrepender(2), new FrameHandler());
            }
          });
      f = b.connect(remote.tcp());
    } else {
      b.channel(NioDatagramChannel.class).handler(new DatagramHandler());
      f = b.bind(new InetSocketAddress(0));
    }
    channel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        fail((remote.tcp() != null ? "cannot connect ICE-TCP to " + remote.tcp() : "cannot open a UDP socket")
            + ": " + done.cause().getMessage());
        return;
      }
      ticker = loop.scheduleAtFixedRate(this::tick, 0, IceControllingAgent.TICK_MILLIS, TimeUnit.MILLISECONDS);
    });
    channel.closeFuture().addListener(c -> {
      if (!closed.get()) {
        loop.execute(() -> fail("connection closed by the server"));
      }
    });
    if (turn != null && turn.server().transport().stream()) {
      openTurnStream(eventLoop);
    }
  }

  /** The TCP (or TLS) connection to the TURN server: messages framed by their own lengths. */
  private void openTurnStream(EventLoop eventLoop) {
    TurnServer server = turn.server();
    ChannelFuture f = new Bootstrap().group(eventLoop).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (server.transport() == TurnServer.Transport.TLS) {
              ch.pipeline().addLast(turnTls.newHandler(ch.alloc(), server.host(), server.port()));
            }
            ch.pipeline().addLast(new TurnStreamDecoder(), new TurnStreamHandler());
          }
        }).connect(turnAddress);
    turnChannel = f.channel();
    f.addListener(done -> {
      if (!done.isSuccess()) {
        turnBroken("cannot connect over " + server.transport() + ": " + done.cause().getMessage(), false);
      }
    });
    turnChannel.closeFuture().addListener(c -> loop.execute(() -> turnBroken("the connection closed", false)));
  }

  /** The TURN connection failed: the relay is gone, direct pairs go on (ICE decides). */
  private void turnBroken(String reason, boolean refused) {
    if (closed.get() || turn.state() == TurnClient.State.FAILED) {
      return;
    }
    turn.transportFailed(reason, refused);
    if (turnReported) {
      log.warn("{}", turn.failure());
    }
  }

  private void sendToTurn(ByteBuf message) {
    if (turnChannel != null) {
      turnChannel.writeAndFlush(message, turnChannel.voidPromise());
    } else if (channel.isActive()) {
      channel.writeAndFlush(new DatagramPacket(message, turnAddress), channel.voidPromise());
    } else {
      message.release();
    }
  }

  private void tick() {
    if (failed || closed.get()) {
      return;
    }
    long now = System.nanoTime();
    if (turn != null) {
      tickTurn(now);
    }
    for (IceControllingAgent.Outgoing o : ice.tick(now)) {
      write(o.candidate(), Unpooled.wrappedBuffer(o.message()));
    }
    if (ice.state() == IceControllingAgent.State.FAILED) {
      // a relay that refused us is the likelier story when nothing answered: say it first
      fail(turn != null && turn.state() == TurnClient.State.FAILED ? turn.failure() + "; " + ice.failure() : ice.failure());
    } else if (ice.state() == IceControllingAgent.State.CONNECTED && dtls == null) {
      startDtls();
    }
  }

  private void tickTurn(long now) {
    if (turnChannel != null && !turnChannel.isActive() && turn.state() == TurnClient.State.ALLOCATING) {
      // still connecting: the Allocate goes once the stream is up (its timeout starts then)
    } else {
      for (byte[] m : turn.tick(now)) {
        sendToTurn(Unpooled.wrappedBuffer(m));
      }
    }
    if (!turnReported && turn.state() == TurnClient.State.READY) {
      turnReported = true;
      ice.enableRelay();
      log.info("TURN {}: relay {} allocated (we are {} to it); checking relayed pairs too", turn.server().uri(),
          address(turn.relayed()), turn.mapped() == null ? "?" : address(turn.mapped()));
    } else if (!turnReported && turn.state() == TurnClient.State.FAILED) {
      turnReported = true;
      log.warn("{}; only direct pairs are checked", turn.failure());
    }
  }

  private static String address(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  private void startDtls() {
    DtlsSession.Listener events = new DtlsSession.Listener() {
      @Override
      public void onHandshakeComplete(DtlsResult result) {
        loop.execute(() -> dtlsDone(result));
      }

      @Override
      public void onFailure(DtlsFailure failure) {
        loop.execute(() -> fail("DTLS failed: " + failure.reason() + " " + failure.message()));
      }

      @Override
      public void onClosedByPeer() {
        loop.execute(() -> fail("DTLS closed by the server"));
      }
    };
    java.util.function.Consumer<byte[]> sender = d -> loop.execute(() -> write(ice.selected(), Unpooled.wrappedBuffer(d)));
    dtls = switch (remote.dtlsRole()) {
      case CLIENT -> DtlsClientSession.start(identity, dtlsConfig, remote.fingerprint(), sender, events);
      case SERVER -> DtlsServerSession.start(identity, dtlsConfig, remote.fingerprint(), sender, events);
    };
  }

  private void dtlsDone(DtlsResult result) {
    if (failed || closed.get()) {
      return;
    }
    SrtpKeys keys = SrtpKeys.fromDtlsExporter(result.keyingMaterial(), result.srtpProfile(),
        remote.dtlsRole() == DtlsRole.SERVER);
    send = keys.sendContext();
    receive = keys.receiveContext();
    connected = true;
    listener.onConnected(result);
  }

  /** Protects and sends one plain RTP packet (its readable bytes; released here). Any thread. */
  public void sendRtp(ByteBuf plain) {
    sendProtected(plain, false);
  }

  /** Protects and sends one plain RTCP compound packet (released here). Any thread. */
  public void sendRtcp(ByteBuf plain) {
    sendProtected(plain, true);
  }

  private void sendProtected(ByteBuf plain, boolean rtcp) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> sendProtected(plain, rtcp));
      return;
    }
    try {
      if (!connected || failed || closed.get()) {
        return;
      }
      ByteBuf out = channel.alloc().buffer(plain.readableBytes() + 48);
      out.writeBytes(plain);
      try {
        if (rtcp) {
          send.protectRtcp(out);
        } else {
          send.protectRtp(out);
        }
      } catch (SrtpException e) {
        out.release();
        srtpErrors++;
        return;
      }
      write(ice.selected(), out);
    } finally {
      plain.release();
    }
  }

  private void write(int candidate, ByteBuf packet) {
    if (candidate < 0 || !channel.isActive()) {
      packet.release();
      return;
    }
    if (ice.isRelayed(candidate)) {
      ByteBuf wrapped = turn.wrap(ice.remote(candidate), packet, channel.alloc());
      packet.release();
      if (wrapped != null) {
        sendToTurn(wrapped);
      }
      return; // no permission yet: dropped, ICE checks again and DTLS retransmits
    }
    if (remote.tcp() != null) {
      channel.writeAndFlush(packet, channel.voidPromise());
    } else {
      channel.writeAndFlush(new DatagramPacket(packet, ice.remote(candidate)), channel.voidPromise());
    }
  }

  private void onPacket(ByteBuf packet, InetSocketAddress from) {
    if (failed || closed.get() || packet.readableBytes() < 2) {
      return;
    }
    if (turn != null && turnChannel == null && from.equals(turnAddress)) {
      fromTurn(packet);
      return;
    }
    int candidate = remote.tcp() != null ? 0 : ice.candidateOf(from);
    if (candidate < 0) {
      return; // not from a candidate of the answer
    }
    dispatch(packet, candidate, from);
  }

  /** One message from the TURN server (a datagram, or one framed message of the stream). */
  private void fromTurn(ByteBuf message) {
    if (failed || closed.get()) {
      return;
    }
    TurnClient.PeerData d = turn.onPacket(message, System.nanoTime());
    int pair = d == null ? -1 : ice.relayedPairOf(d.peer());
    if (pair >= 0 && d.data().readableBytes() >= 2) {
      dispatch(d.data(), pair, d.peer());
    }
  }

  /** One packet from the remote candidate of {@code pair} ({@code from}: its address, as the pair sees it). */
  private void dispatch(ByteBuf packet, int candidate, InetSocketAddress from) {
    switch (Demux.classify(packet)) {
      case STUN -> {
        ice.onStun(ByteBufUtil.getBytes(packet), candidate, from, System.nanoTime())
            .ifPresent(o -> write(o.candidate(), Unpooled.wrappedBuffer(o.message())));
        if (ice.state() == IceControllingAgent.State.CONNECTED && dtls == null) {
          startDtls();
        }
      }
      case DTLS -> {
        if (dtls != null) {
          dtls.onDatagram(packet);
        }
      }
      case RTP_RTCP -> {
        int pt = packet.getUnsignedByte(packet.readerIndex() + 1) & 0x7F;
        if (receive == null || pt < 64 || pt > 95) {
          return; // we only publish: RTP toward us is unexpected
        }
        ByteBuf copy = packet.copy();
        try {
          receive.unprotectRtcp(copy);
          listener.onRtcp(copy);
        } catch (SrtpException e) {
          srtpErrors++;
        } finally {
          copy.release();
        }
      }
      default -> { }
    }
  }

  private void fail(String reason) {
    if (failed || closed.get()) {
      return;
    }
    failed = true;
    shutdown();
    listener.onFailed(reason);
  }

  /** True after DTLS finished and until the transport fails or closes. */
  public boolean isConnected() {
    return connected && !failed && !closed.get();
  }

  /** ICE round trip of the last answered check (consent), or NaN. */
  public double iceRttMillis() {
    return ice.rttMillis();
  }

  /** Whether the selected pair goes through the TURN relay. */
  public boolean selectedViaRelay() {
    int s = ice.selected();
    return s >= 0 && ice.isRelayed(s);
  }

  /** The TURN server media goes through ({@link TurnServer#uri()}), or null when the selected pair is direct. */
  public String relayServer() {
    return selectedViaRelay() ? turn.server().uri() : null;
  }

  /** Our relayed address on the TURN server, or null (no relay, or not allocated). */
  public InetSocketAddress relayedAddress() {
    return turn == null ? null : turn.relayed();
  }

  /** Why the TURN relay failed, or null. */
  public String relayFailure() {
    return turn == null || turn.state() != TurnClient.State.FAILED ? null : turn.failure();
  }

  /** Whether the TURN server refused our credentials (a setting to fix, not worth retrying). */
  public boolean relayRefused() {
    return turn != null && turn.refused();
  }

  /** The remote candidate ICE selected, or null. */
  public InetSocketAddress selectedRemote() {
    int s = ice.selected();
    return s < 0 ? null : ice.remote(s);
  }

  public long srtpErrors() {
    return srtpErrors;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (loop.inEventLoop()) {
        shutdown();
      } else {
        loop.execute(this::shutdown);
      }
    }
  }

  private void shutdown() {
    if (ticker != null) {
      ticker.cancel(false);
    }
    if (dtls != null) {
      dtls.close();
    }
    connected = false;
    if (turn != null) {
      byte[] bye = turn.deallocate(System.nanoTime());
      if (turnChannel != null) {
        if (bye != null && turnChannel.isActive()) {
          turnChannel.writeAndFlush(Unpooled.wrappedBuffer(bye)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        } else {
          turnChannel.close();
        }
      } else if (bye != null && channel.isActive()) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bye), turnAddress), channel.voidPromise());
      }
    }
    channel.close();
  }

  private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      onPacket(p.content(), p.sender());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a send that failed (e.g. no route to one remote candidate): that pair just never answers
      sendErrors++;
      log.debug("UDP send failed: {}", cause.toString());
    }
  }

  /** Cuts the TURN stream into STUN messages and ChannelData (padding included). */
  private static final class TurnStreamDecoder extends io.netty.handler.codec.ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = TurnStreamFraming.frameLength(in); // throws on bytes that cannot start a message: the stream is broken
      if (n >= 0 && in.readableBytes() >= n) {
        out.add(in.readRetainedSlice(n));
      }
    }
  }

  private final class TurnStreamHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf message) {
      fromTurn(message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent e && !e.isSuccess()) {
        exceptionCaught(ctx, e.cause());
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Throwable root = cause;
      while (root.getCause() != null && !(root instanceof javax.net.ssl.SSLException)) {
        root = root.getCause();
      }
      boolean tls = root instanceof javax.net.ssl.SSLHandshakeException;
      String why = tls && turnTls != null && turnTls.lastFailure() != null ? turnTls.lastFailure() : root.getMessage();
      // an untrusted certificate is a setting to fix, as refused credentials are
      turnBroken((tls ? "TLS handshake failed: " : "") + why, tls);
      ctx.close();
    }
  }

  private final class FrameHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      onPacket(frame, remote.tcp());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail("ICE-TCP connection failed: " + cause.getMessage());
    }
  }
}
