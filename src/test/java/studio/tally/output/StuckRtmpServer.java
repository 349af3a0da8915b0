package studio.tally.output;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.rtmp.RtmpChunkDecoder;
import studio.tally.proto.rtmp.RtmpChunkEncoder;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpMessage;

/**
 * Test peers that misbehave, on plain blocking sockets: {@link Mode#STOP_READING} completes the
 * handshake and accepts the publish with our own codec, then never reads again (a congested or hung
 * server; its receive buffer is kept small); {@link Mode#GARBAGE} answers C0C1 with an HTTP error;
 * {@link Mode#CLOSE_IN_HANDSHAKE} sends half of S0S1 and closes.
 */
final class StuckRtmpServer implements AutoCloseable {
  enum Mode { STOP_READING, GARBAGE, CLOSE_IN_HANDSHAKE }

  private final ServerSocket server;
  private final Mode mode;
  private final List<Socket> sockets = new ArrayList<>();
  private final Thread thread;
  private volatile boolean publishAccepted;

  StuckRtmpServer(Mode mode) throws IOException {
    this.mode = mode;
    server = new ServerSocket();
    server.setReceiveBufferSize(16 << 10);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    thread = Thread.ofPlatform().daemon().name("stuck-rtmp-" + mode).start(this::run);
  }

  int port() {
    return server.getLocalPort();
  }

  boolean publishAccepted() {
    return publishAccepted;
  }

  private void run() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        synchronized (sockets) {
          sockets.add(s);
        }
        serve(s);
      } catch (IOException e) {
        // closed, or the client went away
      }
    }
  }

  private void serve(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    byte[] c0c1 = in.readNBytes(1537);
    switch (mode) {
      case GARBAGE -> {
        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
        out.flush();
        return; // keep the socket open: the client must decide
      }
      case CLOSE_IN_HANDSHAKE -> {
        out.write(new byte[] {3});
        out.write(new byte[700]);
        out.flush();
        s.close();
        return;
      }
      case STOP_READING -> { }
    }
    byte[] s1 = new byte[1536];
    new SplittableRandom().nextBytes(s1);
    for (int i = 0; i < 8; i++) s1[i] = 0;
    out.write(3);
    out.write(s1);
    out.write(c0c1, 1, 1536); // S2 echoes C1
    out.flush();
    in.readNBytes(1536); // C2
    var decoder = new RtmpChunkDecoder();
    var encoder = new RtmpChunkEncoder();
    var amf = new Amf0Decoder();
    byte[] buf = new byte[4096];
    List<RtmpMessage> messages = new ArrayList<>();
    while (!publishAccepted) {
      int n = in.read(buf);
      if (n < 0) return;
      decoder.decode(Unpooled.wrappedBuffer(buf, 0, n), messages);
      for (RtmpMessage m : messages) {
        try {
          if (!RtmpCommand.isCommand(m.typeId())) continue;
          RtmpCommand cmd = RtmpCommand.decode(m, amf);
          RtmpMessage reply = switch (cmd.name()) {
            case RtmpCommands.CONNECT -> RtmpCommands.connectResult(cmd.transactionId(), 0, ByteBufAllocator.DEFAULT);
            case RtmpCommands.CREATE_STREAM -> RtmpCommands.createStreamResult(cmd.transactionId(), 1, ByteBufAllocator.DEFAULT);
            case RtmpCommands.PUBLISH -> {
              publishAccepted = true;
              yield RtmpCommands.onStatus(1, RtmpCommands.LEVEL_STATUS, RtmpCommands.PUBLISH_START, "go", ByteBufAllocator.DEFAULT);
            }
            default -> null;
          };
          if (reply != null) {
            ByteBuf bytes = Unpooled.buffer();
            encoder.encode(reply, bytes);
            reply.release();
            out.write(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            out.flush();
          }
        } finally {
          m.release();
        }
      }
      messages.clear();
    }
    decoder.close();
    // from here on: never read again
  }

  @Override
  public void close() throws Exception {
    server.close();
    synchronized (sockets) {
      for (Socket s : sockets) s.close();
    }
    thread.join(2000);
  }
}
