package studio.tally.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import studio.tally.proto.rtp.ReceiverReport;
import studio.tally.proto.rtp.ReportBlock;
import studio.tally.proto.srtp.SrtpContext;
import studio.tally.proto.srtp.SrtpException;
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.proto.stun.IceControlling;
import studio.tally.proto.stun.Priority;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UseCandidate;
import studio.tally.proto.stun.Username;

/**
 * One light WebRTC peer on its own UDP socket, as a browser behaves against an ice-lite server:
 * WHIP/WHEP offer, a nominating ICE check, the DTLS handshake (BouncyCastle client, blocking on the
 * joining virtual thread), then SRTP. A player counts the RTP it receives per packet from the
 * unencrypted header, authenticates and decrypts every {@code verifyEvery}-th packet, sends an RTCP
 * receiver report every 2.5 s and a consent check every 5 s. A publisher sends what
 * {@link RtcSource} gives it. Receive state lives on the channel's event loop.
 */
final class RtcPeer extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long KEEPALIVE_MS = 2500;

  /** What a player saw; written on its event loop, sampled by the driver between windows. */
  static final class Stats {
    volatile long packets;
    volatile long bytes;
    volatile long verified;
    volatile long authFailures;
    volatile long rtcpIn;
    volatile long firstPacketNanos;
    /**
     * The most a video packet arrived behind the player's best (arrival time minus media time, over the
     * lowest seen): how far the player fell behind; the driver zeroes it at a window's start.
     */
    volatile long maxLagNanos;
  }

  final Stats stats = new Stats();
  private final boolean publish;
  private final int verifyEvery;
  private final String ufrag = HexFormat.of().formatHex(randomBytes(4));
  private final String pwd = HexFormat.of().formatHex(randomBytes(12));
  private final int ssrc = RANDOM.nextInt();
  private final LinkedBlockingQueue<byte[]> dtlsIn = new LinkedBlockingQueue<>();
  private volatile Channel channel;
  private volatile InetSocketAddress server;
  private volatile String username;
  private volatile byte[] integrityKey;
  private volatile byte[] pendingCheck;
  private volatile CompletableFuture<Void> checkAnswered;
  private volatile String location;
  private volatile boolean handshaking = true;
  private volatile SrtpProfile profile;
  private ScheduledFuture<?> keepalive;
  // event loop only (player); the publisher's send context belongs to its pacer thread
  private SrtpContext send;
  private SrtpContext receive;
  private volatile SrtpContext publisherSend;
  private int videoSsrc;
  private long videoHighestSeq = -1;
  /** Arrival minus media time of the video packets (ns): the first packet's arrival, its timestamp, the lowest. */
  private long lagArrival0;
  private long lagTs;
  private long lagTicks = -1;
  private long lagMin = Long.MAX_VALUE;
  private int keepaliveTicks;

  RtcPeer(boolean publish, int verifyEvery) {
    this.publish = publish;
    this.verifyEvery = verifyEvery;
  }

  void bind(Channel ch) {
    this.channel = ch;
  }

  String location() {
    return location;
  }

  /** The SRTP profile the DTLS handshake chose (null before). */
  SrtpProfile profile() {
    return profile;
  }

  Channel channel() {
    return channel;
  }

  /**
   * Offer → answer → ICE → DTLS → SRTP; blocking (run it on a virtual thread).
   *
   * @param path the WHIP or WHEP path with its query
   */
  void join(RtcSignaling signaling, String path, int audioSsrc, int videoSsrcOut) throws Exception {
    String offer = RtcSignaling.offer(publish, ufrag, pwd, RtcDtlsClient.fingerprint(), audioSsrc, videoSsrcOut);
    RtcSignaling.Answer a = signaling.post(path, offer);
    location = a.location();
    server = a.udp();
    username = a.iceUfrag() + ":" + ufrag;
    integrityKey = studio.tally.proto.stun.StunIntegrity.shortTermKey(a.icePwd());
    check();
    SrtpKeys keys = new RtcDtlsClient(dtlsIn, this::sendBytes).handshake();
    handshaking = false;
    profile = keys.profile();
    dtlsIn.clear();
    channel.eventLoop().submit(() -> {
      send = keys.sendContext();
      receive = keys.receiveContext();
      long jitter = ThreadLocalRandom.current().nextLong(KEEPALIVE_MS);
      keepalive = channel.eventLoop().scheduleAtFixedRate(this::keepalive, jitter, KEEPALIVE_MS, TimeUnit.MILLISECONDS);
    }).sync();
    if (publish) {
      publisherSend = keys.sendContext(); // the pacer's own context (the loop's is unused by a publisher)
    }
  }

  /** The nominating check, retried as a browser would (every 500 ms, up to 20 times: a busy server answers late). */
  private void check() throws Exception {
    for (int attempt = 0; attempt < 20; attempt++) {
      byte[] request = bindingRequest(true);
      checkAnswered = new CompletableFuture<>();
      pendingCheck = Arrays.copyOfRange(request, 8, 20);
      sendBytes(request);
      try {
        checkAnswered.get(500, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        // lost or the server is busy: again
      }
    }
    throw new IOException("no answer to 20 ICE checks from " + server);
  }

  private byte[] bindingRequest(boolean nominate) {
    StunMessage.Builder b = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(RANDOM))
        .add(new Username(username)).add(new Priority(1_845_501_695L)).add(new IceControlling(RANDOM.nextLong()));
    if (nominate) {
      b.add(new UseCandidate());
    }
    return b.messageIntegrity(integrityKey).fingerprint().toBytes();
  }

  private void sendBytes(byte[] bytes) {
    channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), server), channel.voidPromise());
  }

  /** Publisher only, from the pacer thread: protects {@code rtp} (needs spare room for the tag) and sends it. */
  void sendRtp(ByteBuf rtp) {
    publisherSend.protectRtp(rtp);
    channel.writeAndFlush(new DatagramPacket(rtp, server), channel.voidPromise());
  }

  /** Consent check every other tick; a receiver report every tick once video arrives. */
  private void keepalive() {
    if ((keepaliveTicks++ & 1) == 0) {
      sendBytes(bindingRequest(false));
    }
    if (!publish && videoHighestSeq >= 0) {
      ByteBuf rr = channel.alloc().heapBuffer(64);
      new ReceiverReport(ssrc, List.of(new ReportBlock(videoSsrc, 0, 0, videoHighestSeq, 0, 0, 0))).write(rr);
      send.protectRtcp(rr);
      channel.writeAndFlush(new DatagramPacket(rr, server), channel.voidPromise());
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf b = packet.content();
    int at = b.readerIndex();
    int n = b.readableBytes();
    if (n < 2) {
      return;
    }
    int first = b.getUnsignedByte(at);
    if (first < 4) { // STUN: only the answer to the pending check matters
      byte[] tid = pendingCheck;
      if (tid != null && n >= 20 && b.getUnsignedShort(at) == 0x0101 && ByteBufUtil.equals(b, at + 8,
          Unpooled.wrappedBuffer(tid), 0, 12)) {
        pendingCheck = null;
        checkAnswered.complete(null);
      }
    } else if (first >= 20 && first < 64) {
      if (handshaking) {
        dtlsIn.add(ByteBufUtil.getBytes(b));
      }
    } else if (first >= 128 && first < 192) {
      int pt = b.getUnsignedByte(at + 1) & 0x7F;
      if (pt >= 64 && pt <= 95) {
        stats.rtcpIn = stats.rtcpIn + 1;
        return;
      }
      onRtp(b, at, n, pt);
    }
  }

  /** How far behind the media clock this packet came, against the best so far (90 kHz timestamps run on). */
  private void trackLag(long ts) {
    long now = System.nanoTime();
    if (lagTicks < 0) {
      lagArrival0 = now;
      lagTs = ts;
      lagTicks = 0;
    }
    lagTicks += (int) (ts - lagTs); // 32-bit wrap-around
    lagTs = ts;
    long rel = (now - lagArrival0) - lagTicks * 1_000_000_000L / 90_000;
    if (rel < lagMin) {
      lagMin = rel;
    }
    long lag = rel - lagMin;
    if (lag > stats.maxLagNanos) {
      stats.maxLagNanos = lag;
    }
  }

  private void onRtp(ByteBuf b, int at, int n, int pt) {
    long count = stats.packets + 1;
    stats.packets = count;
    stats.bytes = stats.bytes + n;
    if (stats.firstPacketNanos == 0) {
      stats.firstPacketNanos = System.nanoTime();
    }
    if (pt == RtcSignaling.H264_PT) {
      int seq = b.getUnsignedShort(at + 2);
      videoSsrc = b.getInt(at + 8);
      trackLag(b.getUnsignedInt(at + 4));
      if (videoHighestSeq < 0) {
        videoHighestSeq = seq;
      } else {
        int delta = (short) (seq - (int) (videoHighestSeq & 0xFFFF));
        if (delta > 0) {
          videoHighestSeq += delta;
        }
      }
    }
    if (receive != null && verifyEvery > 0 && count % verifyEvery == 0) {
      try {
        receive.unprotectRtp(b);
        stats.verified = stats.verified + 1;
      } catch (SrtpException e) {
        stats.authFailures = stats.authFailures + 1;
      }
    }
  }

  /** Stops the timers and closes the socket (the caller DELETEs the session first). */
  void close() {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop().execute(() -> {
      if (keepalive != null) {
        keepalive.cancel(false);
      }
    });
    ch.close();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
