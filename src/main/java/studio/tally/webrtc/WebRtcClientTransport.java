package studio.tally.webrtc;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
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
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import studio.tally.proto.srtp.SrtpContext;
import studio.tally.proto.srtp.SrtpException;
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.stun.Demux;
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

/**
 * The client end of a WebRTC transport (what a WHIP publisher needs): one Netty channel (UDP to the
 * answer's host candidates, or one TCP connection with RFC 4571 framing for "ICE over TCP only"),
 * the controlling ICE agent, DTLS in the role the answer's {@code a=setup} leaves us, and SRTP.
 * Plain RTP/RTCP go in through {@link #sendRtp}/{@link #sendRtcp}; decrypted RTCP comes out through
 * the {@link Listener}. Everything runs on the channel's event loop; the DTLS handshake on its own
 * virtual thread ({@link DtlsSession}), its results hop back to the loop.
 */
public final class WebRtcClientTransport implements AutoCloseable {

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

  private final Remote remote;
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

  private WebRtcClientTransport(Remote remote, DtlsIdentity identity, DtlsConfig dtlsConfig, Listener listener,
      java.time.Duration iceTimeout) {
    this.remote = remote;
    this.identity = identity;
    this.dtlsConfig = dtlsConfig;
    this.listener = listener;
    List<InetSocketAddress> targets = remote.tcp() != null ? List.of(remote.tcp()) : remote.udpCandidates();
    this.ice = new IceControllingAgent(remote.ice(), targets, new SecureRandom(), iceTimeout,
        java.time.Duration.ofSeconds(30));
  }

  /**
   * Opens the channel on {@code loop} and starts ICE; the outcome arrives through the listener.
   * Never blocks: a TCP connect that fails reports through {@link Listener#onFailed}.
   */
  public static WebRtcClientTransport start(Remote remote, DtlsIdentity identity, DtlsConfig dtlsConfig,
      java.time.Duration iceTimeout, EventLoop loop, Listener listener) {
    WebRtcClientTransport t = new WebRtcClientTransport(remote, identity, dtlsConfig, listener, iceTimeout);
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
  }

  private void tick() {
    if (failed || closed.get()) {
      return;
    }
    for (IceControllingAgent.Outgoing o : ice.tick(System.nanoTime())) {
      write(o.candidate(), Unpooled.wrappedBuffer(o.message()));
    }
    if (ice.state() == IceControllingAgent.State.FAILED) {
      fail(ice.failure());
    } else if (ice.state() == IceControllingAgent.State.CONNECTED && dtls == null) {
      startDtls();
    }
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
    int candidate = remote.tcp() != null ? 0 : ice.candidateOf(from);
    if (candidate < 0) {
      return; // not from a candidate of the answer
    }
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
    channel.close();
  }

  private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      onPacket(p.content(), p.sender());
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
