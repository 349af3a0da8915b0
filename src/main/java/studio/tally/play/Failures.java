package studio.tally.play;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import studio.tally.output.TlsTrust;

/** Turns what Netty throws into a {@link PlayFailure} whose reason says what to do. */
final class Failures {
  private Failures() {}

  static PlayFailure connectFailed(String host, int port, Throwable cause) {
    String where = host + ":" + port;
    if (cause instanceof ConnectTimeoutException) {
      return new PlayFailure(PlayFailure.Kind.TIMEOUT, "no answer from " + where + " (connect timed out)");
    }
    if (cause instanceof ConnectException && !(cause instanceof NoRouteToHostException)) {
      return new PlayFailure(PlayFailure.Kind.REFUSED, "connection refused by " + where + " (nothing listens there)");
    }
    if (cause instanceof UnknownHostException) {
      return new PlayFailure(PlayFailure.Kind.UNREACHABLE, "unknown host " + host);
    }
    return new PlayFailure(PlayFailure.Kind.UNREACHABLE, "cannot reach " + where + ": " + rootMessage(cause));
  }

  /** A failure on an open connection: TLS refusals get the trust's own words (with the fingerprint to pin). */
  static PlayFailure onConnection(Throwable cause, TlsTrust tls, boolean playing, String state) {
    Throwable ssl = cause instanceof DecoderException && cause.getCause() instanceof SSLException s ? s
        : cause instanceof SSLException ? cause : null;
    if (ssl != null) return tls(ssl, tls);
    PlayFailure.Kind kind = playing ? PlayFailure.Kind.ENDED : PlayFailure.Kind.BAD_STREAM;
    return new PlayFailure(kind, "connection lost " + state + ": " + rootMessage(cause));
  }

  static PlayFailure tls(Throwable cause, TlsTrust tls) {
    String certificate = tls == null ? null : tls.lastFailure();
    return new PlayFailure(PlayFailure.Kind.TLS_UNTRUSTED,
        certificate != null ? certificate : "TLS handshake failed: " + rootMessage(cause));
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
