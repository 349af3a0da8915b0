package studio.tally.live;

import java.nio.IntBuffer;
import java.util.Map;
import java.util.function.Consumer;
import studio.tally.media.decode.DecodedPicture;
import studio.tally.play.PlayFailure;
import studio.tally.play.Player;
import studio.tally.play.PlayerListener;
import studio.tally.play.PlayerOptions;
import studio.tally.play.ProbeReports;

/**
 * One stream played for a window: the engine's face of a {@link Player}. Pictures arrive as ARGB
 * ints on the player's decode thread (same contract as the studio preview); the QA figures come
 * under the names `tally probe --json` and docs/qa-metrics.md use.
 */
public final class Playback implements AutoCloseable {
  private final Player player;
  private final String url;
  private final String tlsFingerprint;
  private final boolean insecureTls;

  private Playback(String url, String tlsFingerprint, boolean insecureTls, PreviewListener frames, Consumer<String> onEnded) {
    this.url = url;
    this.tlsFingerprint = tlsFingerprint == null || tlsFingerprint.isBlank() ? null : tlsFingerprint.strip();
    this.insecureTls = insecureTls;
    this.player = Player.open(url, PlayerOptions.defaults().withTls(this.tlsFingerprint, insecureTls), new PlayerListener() {
      private int[] argb = new int[0];

      @Override
      public void onPicture(DecodedPicture p) {
        int n = p.width() * p.height();
        if (argb.length != n) argb = new int[n];
        p.toArgb(argb);
        frames.onFrame(p.width(), p.height(), IntBuffer.wrap(argb), p.ptsMicros());
      }

      @Override
      public void onI420(int width, int height, java.nio.ByteBuffer y, int strideY, java.nio.ByteBuffer u, int strideU,
          java.nio.ByteBuffer v, int strideV) {
        int n = width * height;
        if (argb.length != n) argb = new int[n];
        studio.tally.play.I420.toArgb(width, height, y, strideY, u, strideU, v, strideV, argb);
        frames.onFrame(width, height, IntBuffer.wrap(argb), System.nanoTime() / 1000);
      }

      @Override
      public void onEnded(PlayFailure failure) {
        onEnded.accept(failure.toString());
      }
    });
  }

  /**
   * Starts playing url (http(s)://….flv, rtmp(s)://…, a WHEP endpoint or webrtc://…).
   *
   * @param frames gets every decoded picture (decode thread; copy what you keep)
   * @param onEnded why the stream stopped (network or decode thread)
   * @throws StudioException when url is not one we play (the message says which shapes are)
   */
  public static Playback open(String url, String tlsFingerprint, boolean insecureTls, PreviewListener frames,
      Consumer<String> onEnded) {
    try {
      return new Playback(url, tlsFingerprint, insecureTls, frames, onEnded);
    } catch (IllegalArgumentException e) {
      throw new StudioException(e.getMessage(), e);
    }
  }

  public String url() {
    return url;
  }

  /** The QA figures now, JSON name → value as text, in the JSON's order. */
  public Map<String, String> figures() {
    return ProbeReports.figures(player.report());
  }

  /** The command line that measures the same stream headless. */
  public String probeCommand() {
    StringBuilder b = new StringBuilder("tally probe ").append(shellQuote(url)).append(" --duration 10 --json");
    if (tlsFingerprint != null) b.append(" --tls-fingerprint ").append(shellQuote(tlsFingerprint));
    if (insecureTls) b.append(" --insecure-tls");
    return b.toString();
  }

  private static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  @Override
  public void close() {
    player.close();
  }
}
