package studio.tally.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx-rtmp as a reference RTMP server on a free loopback port ({@code application live { live on; }}),
 * optionally with an RTMPS front: nginx's stream module terminating TLS with a self-signed
 * certificate and proxying to the RTMP port. Closing it kills nginx. nginx-rtmp (Debian's 1.2.2)
 * knows only classic FLV codecs: Enhanced RTMP video (hvc1, av01) is dropped, audio still passes.
 *
 * <pre>{@code
 * try (var nginx = NginxRtmp.startWithRtmps()) {
 *   Ffmpeg.debian().publishTestSource(nginx.rtmpsUrl("x"), ...);
 *   Ffprobe.bundled().probe(nginx.rtmpUrl("x"));
 * }
 * }</pre>
 */
public final class NginxRtmp implements AutoCloseable {
  private final NginxProcess nginx;
  private final int rtmpPort;
  private final int rtmpsPort;
  private final SelfSignedCert certificate;

  private NginxRtmp(boolean withRtmps) {
    this.rtmpPort = FreePort.tcp();
    this.rtmpsPort = withRtmps ? FreePort.tcp() : -1;
    Path dir = PeerFiles.newDir("nginx-rtmp");
    this.certificate = withRtmps ? SelfSignedCert.create(dir) : null;
    var body = new StringBuilder()
        .append("rtmp {\n  server {\n    listen 127.0.0.1:").append(rtmpPort).append(";\n")
        .append("    chunk_size 4096;\n")
        .append("    application live { live on; record off; }\n  }\n}\n");
    var modules = new ArrayList<>(List.of(NginxProcess.RTMP_MODULE));
    var ports = new ArrayList<>(List.of(rtmpPort));
    if (withRtmps) {
      modules.add(NginxProcess.STREAM_MODULE);
      ports.add(rtmpsPort);
      body.append("stream {\n").append(TlsFront.streamServer(rtmpsPort, certificate, rtmpPort)).append("}\n");
    }
    this.nginx = new NginxProcess("nginx-rtmp", dir, modules, body.toString(), ports);
  }

  /** nginx-rtmp on a free port. */
  public static NginxRtmp start() {
    return new NginxRtmp(false);
  }

  /** nginx-rtmp plus an RTMPS (TLS) front on a second free port. */
  public static NginxRtmp startWithRtmps() {
    return new NginxRtmp(true);
  }

  public int rtmpPort() {
    return rtmpPort;
  }

  /** The TLS front's port; fails if started without it. */
  public int rtmpsPort() {
    if (rtmpsPort < 0) throw new IllegalStateException("started without RTMPS; use NginxRtmp.startWithRtmps()");
    return rtmpsPort;
  }

  /** {@code rtmp://127.0.0.1:PORT/live/<stream>}. */
  public String rtmpUrl(String stream) {
    return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream;
  }

  /** {@code rtmps://127.0.0.1:TLSPORT/live/<stream>}. */
  public String rtmpsUrl(String stream) {
    return "rtmps://127.0.0.1:" + rtmpsPort() + "/live/" + stream;
  }

  /** The front's certificate (null without RTMPS). */
  public SelfSignedCert certificate() {
    return certificate;
  }

  public long pid() {
    return nginx.pid();
  }

  public boolean isAlive() {
    return nginx.isAlive();
  }

  public Path errorLog() {
    return nginx.errorLog();
  }

  /** From process start until every port accepted a connection. */
  public Duration startupTime() {
    return nginx.startupTime();
  }

  /** Config path, stderr and the end of nginx's error log, for failure messages. */
  public String diagnostics() {
    return nginx.diagnostics();
  }

  @Override
  public void close() {
    nginx.close();
  }
}
