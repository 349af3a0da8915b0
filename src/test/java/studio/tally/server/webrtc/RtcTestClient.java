package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import studio.tally.proto.srtp.SrtpContext;
import studio.tally.proto.srtp.SrtpKeys;
import studio.tally.proto.srtp.SrtpProfile;
import studio.tally.proto.stun.Demux;
import studio.tally.proto.stun.IceControlling;
import studio.tally.proto.stun.Priority;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.StunMessageType;
import studio.tally.proto.stun.UseCandidate;
import studio.tally.proto.stun.Username;
import studio.tally.server.tls.ServerCertificate;
import studio.tally.webrtc.dtls.CertificateFingerprint;
import studio.tally.webrtc.dtls.DtlsConfig;
import studio.tally.webrtc.dtls.DtlsFailure;
import studio.tally.webrtc.dtls.DtlsResult;
import studio.tally.webrtc.dtls.DtlsServerSession;
import studio.tally.webrtc.dtls.DtlsSession;

/**
 * A minimal controlling ICE agent + DTLS client + SRTP end, built from our own codecs and
 * BouncyCastle: what a browser does against an ice-lite server, over UDP or RFC 4571 TCP.
 */
final class RtcTestClient implements AutoCloseable {
  static final ServerCertificate IDENTITY = ServerCertificate.selfSigned("tally-rtc-test-client", Duration.ofDays(2));
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DatagramSocket udp;
  private final InetSocketAddress server;
  private final Socket tcp;
  private final OutputStream tcpOut;
  final BlockingQueue<StunMessage> stun = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> dtls = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> srtp = new LinkedBlockingQueue<>();
  private final Thread reader;
  /** What arrived, in order (STUN, DTLS, RTP_RTCP, ...): shows who spoke first. */
  final java.util.List<studio.tally.proto.stun.PacketKind> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile DtlsServerSession dtlsServer;
  private SrtpContext send;
  private SrtpContext receive;
  volatile boolean eof;

  private RtcTestClient(DatagramSocket udp, Socket tcp, InetSocketAddress server) throws IOException {
    this.udp = udp;
    this.tcp = tcp;
    this.server = server;
    this.tcpOut = tcp == null ? null : tcp.getOutputStream();
    this.reader = Thread.ofVirtual().name("rtc-test-client").start(this::readLoop);
  }

  static RtcTestClient udp(InetSocketAddress server) {
    try {
      return new RtcTestClient(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)), null, server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RtcTestClient tcp(InetSocketAddress server) {
    try {
      Socket s = new Socket(server.getAddress(), server.getPort());
      s.setTcpNoDelay(true);
      return new RtcTestClient(null, s, server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CertificateFingerprint fingerprint() throws Exception {
    return CertificateFingerprint.compute("sha-256", IDENTITY.leaf().getEncoded());
  }

  InetSocketAddress localAddress() {
    return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress() : (InetSocketAddress) tcp.getLocalSocketAddress();
  }

  /** One packet to the server: a datagram, or an RFC 4571 frame. */
  synchronized void sendRaw(byte[] packet) {
    try {
      if (udp != null) {
        udp.send(new DatagramPacket(packet, packet.length, server));
      } else {
        byte[] framed = new byte[2 + packet.length];
        framed[0] = (byte) (packet.length >> 8);
        framed[1] = (byte) packet.length;
        System.arraycopy(packet, 0, framed, 2, packet.length);
        tcpOut.write(framed);
        tcpOut.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Raw bytes on the TCP stream (no framing). */
  synchronized void sendTcpBytes(byte[] bytes) throws IOException {
    tcpOut.write(bytes);
    tcpOut.flush();
  }

  static byte[] bindingRequest(String username, String password, boolean useCandidate) {
    StunMessage.Builder b = StunMessage.builder(StunMessageType.BINDING_REQUEST, StunMessage.newTransactionId(RANDOM))
        .add(new Username(username)).add(new Priority(1_845_501_695L)).add(new IceControlling(RANDOM.nextLong()));
    if (useCandidate) {
      b.add(new UseCandidate());
    }
    return b.messageIntegrity(StunIntegrity.shortTermKey(password)).fingerprint().toBytes();
  }

  /** Sends a check and waits for its response (null if none within {@code timeout}). */
  StunMessage check(String username, String password, boolean useCandidate, Duration timeout) throws InterruptedException {
    return exchange(bindingRequest(username, password, useCandidate), timeout);
  }

  StunMessage exchange(byte[] request, Duration timeout) throws InterruptedException {
    byte[] tid = java.util.Arrays.copyOfRange(request, 8, 20);
    sendRaw(request);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      StunMessage m = left <= 0 ? null : stun.poll(left, TimeUnit.NANOSECONDS);
      if (m == null || java.util.Arrays.equals(m.transactionId(), tid)) {
        return m;
      }
    }
  }

  /** The DTLS handshake as client; then SRTP contexts from the exporter (server=false). */
  DtlsTestClient handshake() throws IOException {
    DtlsTestClient client = new DtlsTestClient(IDENTITY, dtls, this::sendRaw);
    client.connect();
    SrtpProfile profile = SrtpProfile.ofId(client.srtpProfile);
    SrtpKeys keys = SrtpKeys.fromDtlsExporter(client.keyingMaterial, profile, false);
    send = keys.sendContext();
    receive = keys.receiveContext();
    return client;
  }

  /**
   * The DTLS handshake as server, for a transport whose answer said {@code a=setup:active} (we offered
   * passive, like FFmpeg): waits for its ClientHello, checks its certificate against {@code expected};
   * then SRTP contexts from the exporter (server=true). The session keeps serving until {@link #close}.
   */
  DtlsResult handshakeAsServer(CertificateFingerprint expected) throws Exception {
    java.util.concurrent.CompletableFuture<DtlsResult> done = new java.util.concurrent.CompletableFuture<>();
    DtlsServerSession session = DtlsServerSession.start(new studio.tally.webrtc.dtls.DtlsIdentity(IDENTITY.chain(), IDENTITY.key()), DtlsConfig.DEFAULT, expected, this::sendRaw,
        new DtlsSession.Listener() {
          @Override
          public void onHandshakeComplete(DtlsResult result) {
            done.complete(result);
          }

          @Override
          public void onFailure(DtlsFailure failure) {
            done.completeExceptionally(new AssertionError("test-side DTLS server failed: " + failure, failure.cause()));
          }
        });
    dtlsServer = session;
    Thread.ofVirtual().name("rtc-test-dtls-pump").start(() -> {
      try {
        while (!eof) {
          byte[] d = dtls.poll(50, TimeUnit.MILLISECONDS);
          if (d != null) {
            session.onDatagram(d);
          }
        }
      } catch (InterruptedException e) {
        // test over
      }
    });
    DtlsResult result = done.get(10, TimeUnit.SECONDS);
    SrtpKeys keys = SrtpKeys.fromDtlsExporter(result.keyingMaterial(), result.srtpProfile(), true);
    send = keys.sendContext();
    receive = keys.receiveContext();
    return result;
  }

  static byte[] rtp(int seq, int ssrc, byte[] payload) {
    ByteBuf b = Unpooled.buffer();
    b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(ssrc).writeBytes(payload);
    return ByteBufUtil.getBytes(b);
  }

  /** A minimal RTCP receiver report (PT 201, no report blocks). */
  static byte[] rtcp(int ssrc) {
    return ByteBufUtil.getBytes(Unpooled.buffer().writeByte(0x80).writeByte(201).writeShort(1).writeInt(ssrc));
  }

  byte[] protectRtp(byte[] plain) {
    ByteBuf b = Unpooled.buffer(plain.length + 32).writeBytes(plain);
    send.protectRtp(b);
    return ByteBufUtil.getBytes(b);
  }

  byte[] protectRtcp(byte[] plain) {
    ByteBuf b = Unpooled.buffer(plain.length + 32).writeBytes(plain);
    send.protectRtcp(b);
    return ByteBufUtil.getBytes(b);
  }

  /** The next SRTP packet from the server, unprotected (RTP). */
  byte[] awaitRtp(Duration timeout) throws InterruptedException {
    byte[] p = srtp.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return p == null ? null : unprotect(p);
  }

  /** An SRTP or SRTCP packet from the server, unprotected (a packet never unprotected is not in the replay list). */
  byte[] unprotect(byte[] p) {
    ByteBuf b = Unpooled.wrappedBuffer(p);
    if (RtcTransport.isRtcp(p[1])) {
      receive.unprotectRtcp(b);
    } else {
      receive.unprotectRtp(b);
    }
    return ByteBufUtil.getBytes(b);
  }

  private void readLoop() {
    try {
      if (udp != null) {
        byte[] buf = new byte[65_536];
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          udp.receive(p);
          dispatch(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        }
      } else {
        DataInputStream in = new DataInputStream(tcp.getInputStream());
        while (true) {
          int n = in.readUnsignedShort();
          byte[] frame = new byte[n];
          in.readFully(frame);
          dispatch(frame);
        }
      }
    } catch (IOException e) {
      eof = true;
    }
  }

  private void dispatch(byte[] packet) {
    arrivals.add(Demux.classify(packet[0] & 0xFF));
    switch (Demux.classify(packet[0] & 0xFF)) {
      case STUN -> stun.add(StunMessage.parse(packet));
      case DTLS -> dtls.add(packet);
      case RTP_RTCP -> srtp.add(packet);
      default -> { }
    }
  }

  @Override
  public void close() {
    DtlsServerSession d = dtlsServer;
    if (d != null) {
      d.close();
    }
    eof = true;
    try {
      if (udp != null) {
        udp.close();
      } else {
        tcp.close();
      }
    } catch (IOException ignored) {
      // closing
    }
    reader.interrupt();
  }
}
