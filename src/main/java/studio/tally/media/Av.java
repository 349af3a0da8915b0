package studio.tally.media;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/** FFmpeg return codes as readable text, and the one place the natives get loaded. */
public final class Av {
  private static volatile boolean loaded;

  private Av() {}

  /** Loads the FFmpeg natives once (170–380 ms the first time) and installs the log bridge. */
  public static void load() {
    if (loaded) return;
    synchronized (Av.class) {
      if (loaded) return;
      Loader.load(avutil.class);
      Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
      Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
      Loader.load(org.bytedeco.ffmpeg.global.avfilter.class);
      Loader.load(org.bytedeco.ffmpeg.global.avdevice.class);
      FfmpegLog.install();
      org.bytedeco.ffmpeg.global.avdevice.avdevice_register_all();
      loaded = true;
    }
  }

  private static volatile boolean codecsLoaded;

  /**
   * Loads only what decoding needs (avutil, avcodec, swscale and the log bridge): a player's first
   * frame does not wait for (or share the CPU with) avformat, avfilter and avdevice.
   */
  public static void loadCodecs() {
    if (loaded || codecsLoaded) return;
    synchronized (Av.class) {
      if (loaded || codecsLoaded) return;
      Loader.load(avutil.class);
      Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
      Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
      FfmpegLog.install();
      codecsLoaded = true;
    }
  }

  /** av_strerror text for a negative FFmpeg return code. */
  public static String error(int code) {
    byte[] buf = new byte[256];
    if (av_strerror(code, buf, buf.length) < 0) return "error " + code;
    int len = 0;
    while (len < buf.length && buf[len] != 0) len++;
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }

  /** Returns code when it is ≥ 0; otherwise throws a MediaException "what: reason". */
  public static int check(int code, String what) {
    if (code < 0) throw new MediaException(what + ": " + error(code));
    return code;
  }

  /** AVERROR(EAGAIN) on Linux and macOS (EAGAIN is 11 on Linux, 35 on macOS). */
  public static boolean isAgain(int code) {
    return code == EAGAIN;
  }

  private static final int EAGAIN = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac") ? -35 : -11;

  public static boolean isEof(int code) {
    return code == avutil.AVERROR_EOF;
  }
}
