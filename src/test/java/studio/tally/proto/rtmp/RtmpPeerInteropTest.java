package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import studio.tally.proto.amf.Amf0Decoder;

/**
 * The codecs against real peers over loopback: FFmpeg 5.1 (Debian) and 8.1 (bytedeco) publishing to
 * a minimal in-test server, and our client handshake and commands against nginx-rtmp. The sockets
 * live here, in the test; the codecs stay pure.
 */
class RtmpPeerInteropTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private final Amf0Decoder amf = new Amf0Decoder();

  /** Reads from the socket into {@code cumulation}; false at end of stream. */
  private static boolean read(InputStream in, ByteBuf cumulation) throws Exception {
    byte[] buf = new byte[8192];
    int n = in.read(buf);
    if (n < 0) {
      return false;
    }
    cumulation.writeBytes(buf, 0, n);
    return true;
  }

  private static void write(OutputStream out, ByteBuf bytes) throws Exception {
    byte[] b = new byte[bytes.readableBytes()];
    bytes.readBytes(b);
    bytes.release();
    out.write(b);
    out.flush();
  }

  private static void send(OutputStream out, RtmpChunkEncoder encoder, RtmpMessage m) throws Exception {
    ByteBuf b = Unpooled.buffer();
    encoder.encode(m, b);
    m.release();
    write(out, b);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/usr/bin/ffmpeg", "ffmpeg-8.1"})
  void ffmpegPublishesToOurCodecs(String ffmpeg) throws Exception {
    // the harness unpacks the bundled 8.1 or fails naming the missing Debian package; never skips
    String executable = (ffmpeg.equals("ffmpeg-8.1") ? studio.tally.testing.Ffmpeg.bundled()
        : studio.tally.testing.Ffmpeg.debian()).executable().toString();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(20_000);
      Process p = new ProcessBuilder(executable, "-hide_banner", "-loglevel", "error",
          "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
          "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
          "-f", "flv", "rtmp://127.0.0.1:" + server.getLocalPort() + "/live/key")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      int video = 0;
      int audio = 0;
      List<String> commands = new ArrayList<>();
      boolean metadata = false;
      RtmpServerHandshake handshake = new RtmpServerHandshake();
      try (Socket s = server.accept(); RtmpChunkDecoder decoder = new RtmpChunkDecoder()) {
        s.setSoTimeout(20_000);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        RtmpChunkEncoder encoder = new RtmpChunkEncoder();
        ByteBuf cumulation = Unpooled.buffer();
        List<RtmpMessage> messages = new ArrayList<>();
        try {
          while (read(in, cumulation)) {
            if (!handshake.isDone()) {
              RtmpHandshakeResult r = handshake.consume(cumulation, ALLOC);
              if (r.toWrite() != null) {
                write(out, r.toWrite());
              }
              if (!r.done()) {
                continue;
              }
            }
            decoder.decode(cumulation, messages);
            cumulation.discardReadBytes();
            for (RtmpMessage m : messages) {
              switch (m.typeId()) {
                case RtmpMessageType.VIDEO -> video++;
                case RtmpMessageType.AUDIO -> audio++;
                case RtmpMessageType.AMF0_DATA -> metadata |= RtmpData.decode(m, amf).metadata() != null;
                case RtmpMessageType.AMF0_COMMAND -> {
                  RtmpCommand c = RtmpCommand.decode(m, amf);
                  commands.add(c.name());
                  switch (c.name()) {
                    case "connect" -> {
                      send(out, encoder, new RtmpControlMessage.WindowAcknowledgementSize(2_500_000).toMessage(ALLOC));
                      send(out, encoder, new RtmpControlMessage.SetPeerBandwidth(2_500_000, RtmpControlMessage.LimitType.DYNAMIC).toMessage(ALLOC));
                      send(out, encoder, new RtmpControlMessage.SetChunkSize(4096).toMessage(ALLOC));
                      encoder.setChunkSize(4096);
                      send(out, encoder, RtmpCommands.connectResult(c.transactionId(), 0, ALLOC));
                    }
                    case "releaseStream", "FCPublish" -> send(out, encoder, RtmpCommands.result(c.transactionId(), null, ALLOC));
                    case "createStream" -> send(out, encoder, RtmpCommands.createStreamResult(c.transactionId(), 1, ALLOC));
                    case "publish" -> {
                      send(out, encoder, new RtmpControlMessage.UserControl(new RtmpUserControlEvent.StreamBegin(1)).toMessage(ALLOC));
                      send(out, encoder, RtmpCommands.onStatus(1, "status", RtmpCommands.PUBLISH_START, "go", ALLOC));
                    }
                    default -> { }
                  }
                }
                default -> { }
              }
              m.release();
            }
            messages.clear();
          }
        } finally {
          messages.forEach(RtmpMessage::release);
          cumulation.release();
        }
      } finally {
        p.waitFor(20, TimeUnit.SECONDS);
        p.destroyForcibly();
      }
      assertThat(handshake.usedDigest()).as("FFmpeg's C1 digest validated").isTrue();
      assertThat(commands).startsWith("connect", "releaseStream", "FCPublish", "createStream", "publish");
      assertThat(metadata).isTrue();
      assertThat(video).isGreaterThanOrEqualTo(45);
      assertThat(audio).isGreaterThanOrEqualTo(80);
    }
  }

  /** FFmpeg as a player checks the server's S1 digest and S2 signature before it sends connect. */
  @ParameterizedTest
  @ValueSource(strings = {"/usr/bin/ffmpeg", "ffmpeg-8.1"})
  void ffmpegPlayerAcceptsOurDigestHandshake(String ffmpeg) throws Exception {
    // the harness unpacks the bundled 8.1 or fails naming the missing Debian package; never skips
    String executable = (ffmpeg.equals("ffmpeg-8.1") ? studio.tally.testing.Ffmpeg.bundled()
        : studio.tally.testing.Ffmpeg.debian()).executable().toString();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(20_000);
      Process p = new ProcessBuilder(executable, "-hide_banner", "-loglevel", "error", "-rw_timeout", "5000000",
          "-i", "rtmp://127.0.0.1:" + server.getLocalPort() + "/live/key", "-f", "null", "-")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      RtmpServerHandshake handshake = new RtmpServerHandshake();
      RtmpCommand first = null;
      try (Socket s = server.accept(); RtmpChunkDecoder decoder = new RtmpChunkDecoder()) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        ByteBuf cumulation = Unpooled.buffer();
        List<RtmpMessage> messages = new ArrayList<>();
        try {
          while (first == null && read(in, cumulation)) {
            if (!handshake.isDone()) {
              RtmpHandshakeResult r = handshake.consume(cumulation, ALLOC);
              if (r.toWrite() != null) {
                write(out, r.toWrite());
              }
              if (!r.done()) {
                continue;
              }
            }
            decoder.decode(cumulation, messages);
            cumulation.discardReadBytes();
            for (RtmpMessage m : messages) {
              if (first == null && RtmpCommand.isCommand(m.typeId())) {
                first = RtmpCommand.decode(m, amf);
              }
              m.release();
            }
            messages.clear();
          }
        } finally {
          messages.forEach(RtmpMessage::release);
          cumulation.release();
        }
      } finally {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(handshake.usedDigest()).isTrue();
      assertThat(first).as("FFmpeg accepted S1/S2 and sent connect").isNotNull();
      assertThat(first.name()).isEqualTo("connect");
      assertThat(((java.util.Map<?, ?>) first.commandObject()).get("fpad")).isEqualTo(false);
    }
  }

  @Test
  void ourClientPublishesToNginxRtmp(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("nginx.conf"), """
        load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
        daemon off; master_process off; worker_processes 1;
        error_log %1$s/logs/error.log; pid %1$s/nginx.pid;
        events { worker_connections 64; }
        rtmp { server { listen 127.0.0.1:%2$d; chunk_size 4096; application live { live on; } } }
        """.formatted(dir, port));
    Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/out.log").toFile()).start();
    try {
      Socket s = org.awaitility.Awaitility.await("nginx listening").atMost(java.time.Duration.ofSeconds(5))
          .pollInterval(java.time.Duration.ofMillis(50)).ignoreException(java.net.ConnectException.class)
          .until(() -> new Socket(InetAddress.getLoopbackAddress(), port), java.util.Objects::nonNull);
      try (Socket socket = s; RtmpChunkDecoder decoder = new RtmpChunkDecoder()) {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        RtmpClientHandshake handshake = new RtmpClientHandshake(true);
        write(out, handshake.start(ALLOC));
        ByteBuf cumulation = Unpooled.buffer();
        RtmpChunkEncoder encoder = new RtmpChunkEncoder();
        List<RtmpMessage> messages = new ArrayList<>();
        List<String> statusCodes = new ArrayList<>();
        try {
          while (!handshake.isDone() && read(in, cumulation)) {
            RtmpHandshakeResult r = handshake.consume(cumulation, ALLOC);
            if (r.toWrite() != null) {
              write(out, r.toWrite());
            }
          }
          assertThat(handshake.serverUsedDigest()).as("nginx answered the digest handshake").isTrue();
          assertThat(handshake.serverVerified()).as("nginx's S2 signature verified").isTrue();
          send(out, encoder, new RtmpControlMessage.SetChunkSize(60_000).toMessage(ALLOC));
          encoder.setChunkSize(60_000);
          send(out, encoder, RtmpCommands.connect(1, "live", "rtmp://127.0.0.1:" + port + "/live", "FMLE/3.0 (compatible; Tally)", false, ALLOC));
          send(out, encoder, RtmpCommands.releaseStream(2, "key", ALLOC));
          send(out, encoder, RtmpCommands.fcPublish(3, "key", ALLOC));
          send(out, encoder, RtmpCommands.createStream(4, ALLOC));
          int streamId = -1;
          while (!statusCodes.contains(RtmpCommands.PUBLISH_START) && read(in, cumulation)) {
            decoder.decode(cumulation, messages);
            cumulation.discardReadBytes();
            for (RtmpMessage m : messages) {
              if (RtmpCommand.isCommand(m.typeId())) {
                RtmpCommand c = RtmpCommand.decode(m, amf);
                String code = RtmpCommands.statusCode(c);
                if (code != null) {
                  statusCodes.add(code);
                }
                if (c.name().equals("_result") && c.transactionId() == 4.0) {
                  streamId = ((Double) c.arg(0)).intValue();
                  send(out, encoder, RtmpCommands.publish(streamId, "key", "live", ALLOC));
                }
              }
              m.release();
            }
            messages.clear();
          }
          assertThat(streamId).isPositive();
          assertThat(statusCodes).contains(RtmpCommands.CONNECT_SUCCESS, RtmpCommands.PUBLISH_START);
          assertThat(decoder.chunkSize()).isEqualTo(4096); // nginx's Set Chunk Size was applied
        } finally {
          messages.forEach(RtmpMessage::release);
          cumulation.release();
        }
      }
    } finally {
      nginx.destroy();
      nginx.waitFor(5, TimeUnit.SECONDS);
      nginx.destroyForcibly();
    }
  }
}
