package studio.tally.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.rtmp.RtmpChunkDecoder;
import studio.tally.proto.rtmp.RtmpChunkEncoder;
import studio.tally.proto.rtmp.RtmpClientHandshake;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpHandshakeResult;
import studio.tally.proto.rtmp.RtmpLimits;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpMessageType;

/**
 * A tiny RTMP client built from our own codec (proto.rtmp) for the tests: it can do everything
 * right (handshake, connect, createStream, publish) or send whatever bytes a test wants, and it reads
 * the server's commands so tests can check onStatus codes and whether the server closed.
 */
final class RawRtmp implements AutoCloseable {
  static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final RtmpChunkEncoder encoder = new RtmpChunkEncoder();
  private final RtmpChunkDecoder decoder = new RtmpChunkDecoder(RtmpLimits.DEFAULT, Unpooled.buffer().alloc());
  private final Amf0Decoder amf = new Amf0Decoder();
  private final ByteBuf pending = Unpooled.buffer();
  private final List<RtmpCommand> commands = new ArrayList<>();
  private boolean closedByServer;

  private RawRtmp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawRtmp open(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setTcpNoDelay(true);
      return new RawRtmp(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** C0 C1, then S0 S1 (C2 goes out) and S2. */
  RawRtmp handshake() {
    RtmpClientHandshake hs = new RtmpClientHandshake(false);
    ByteBuf c0c1 = hs.start(ALLOC);
    write(c0c1);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!hs.isDone()) {
      readSome(deadline);
      RtmpHandshakeResult r = hs.consume(pending, ALLOC);
      if (r.toWrite() != null) {
        write(r.toWrite());
      }
    }
    return this;
  }

  /** Handshake, connect to {@code app} and wait for its _result. */
  RawRtmp connect(String app, String tcUrl) {
    handshake();
    send(RtmpCommands.connect(1, app, tcUrl, "FMLE/3.0 (compatible; tally-test)", false, ALLOC));
    RtmpCommand r = awaitCommand(c -> c.transactionId() == 1 && (c.name().equals("_result") || c.name().equals("_error")),
        Duration.ofSeconds(10));
    if (!r.name().equals("_result")) {
      throw new AssertionError("connect refused: " + r);
    }
    return this;
  }

  /** createStream + publish; returns the onStatus code the server answers with. */
  String publish(String streamName) {
    send(RtmpCommands.releaseStream(2, streamName, ALLOC));
    send(RtmpCommands.fcPublish(3, streamName, ALLOC));
    send(RtmpCommands.createStream(4, ALLOC));
    RtmpCommand created = awaitCommand(c -> c.transactionId() == 4, Duration.ofSeconds(10));
    int streamId = ((Number) created.arg(0)).intValue();
    send(RtmpCommands.publish(streamId, streamName, "live", ALLOC));
    RtmpCommand status = awaitCommand(c -> c.name().equals(RtmpCommands.ON_STATUS), Duration.ofSeconds(10));
    return RtmpCommands.statusCode(status);
  }

  /** Encodes and sends a message (releases it). */
  void send(RtmpMessage m) {
    ByteBuf buf = Unpooled.buffer();
    try {
      encoder.encode(m, buf);
      write(buf.retain());
    } finally {
      buf.release();
      m.release();
    }
  }

  void sendRaw(byte[] bytes) {
    write(Unpooled.wrappedBuffer(bytes));
  }

  /** Sends a message with an arbitrary body, without any validation (fmt 0 header on chunk stream csid). */
  void sendMessage(int csid, int typeId, int streamId, byte[] body) {
    send(new RtmpMessage(csid, typeId, 0, streamId, Unpooled.wrappedBuffer(body)));
  }

  private void write(ByteBuf b) {
    try {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      b.release();
    }
  }

  /** Reads and decodes until a command matches; fails on EOF or timeout. */
  RtmpCommand awaitCommand(Predicate<RtmpCommand> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      for (; seen < commands.size(); seen++) {
        if (match.test(commands.get(seen))) {
          return commands.get(seen);
        }
      }
      if (closedByServer) {
        throw new AssertionError("server closed the connection; commands so far: " + commands);
      }
      readSome(deadline);
      decodePending();
    }
  }

  /** All commands received so far. */
  List<RtmpCommand> commands() {
    return List.copyOf(commands);
  }

  /**
   * Reads (and decodes what it can) until the server closes the connection; true if it did within
   * timeout. A reset counts as closed.
   */
  boolean awaitClosed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!closedByServer) {
        readSome(deadline);
        try {
          decodePending();
        } catch (RuntimeException ignored) {
          pending.clear(); // we only wait for the close here
        }
      }
      return true;
    } catch (AssertionError timedOut) {
      return false;
    }
  }

  private void decodePending() {
    List<RtmpMessage> messages = new ArrayList<>();
    decoder.decode(pending, messages);
    pending.discardReadBytes();
    for (RtmpMessage m : messages) {
      try {
        if (m.typeId() == RtmpMessageType.AMF0_COMMAND) {
          commands.add(RtmpCommand.decode(m, amf));
        }
      } finally {
        m.release();
      }
    }
  }

  /** Appends at least one byte to pending, or marks EOF; AssertionError at the deadline. */
  private void readSome(long deadlineNanos) {
    if (closedByServer) {
      throw new AssertionError("server closed the connection");
    }
    byte[] buf = new byte[16384];
    while (true) {
      long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError("timed out waiting for the server; commands so far: " + commands);
      }
      try {
        socket.setSoTimeout((int) Math.min(left, 500));
        int n = in.read(buf);
        if (n < 0) {
          closedByServer = true;
          return;
        }
        pending.writeBytes(buf, 0, n);
        return;
      } catch (SocketTimeoutException e) {
        // loop until the deadline
      } catch (SocketException e) {
        closedByServer = true; // reset
        return;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Half-closes: the server reads EOF, we can still read what it sends. */
  void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean closedByServer() {
    return closedByServer;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    pending.release();
    decoder.close();
  }
}
