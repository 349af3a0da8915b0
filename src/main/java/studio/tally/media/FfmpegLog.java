package studio.tally.media;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's av_log into SLF4J and lets a caller capture the lines FFmpeg logs on its own
 * thread while it tries something ({@link #capture}): an encoder that fails to open explains why
 * in the log ("Cannot load libcuda.so.1"), not in its return code.
 */
public final class FfmpegLog {
  private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
  private static final ThreadLocal<List<String>> CAPTURE = new ThreadLocal<>();
  private static LogCallback callback; // strong reference: the native side keeps only the pointer

  private FfmpegLog() {}

  static synchronized void install() {
    if (callback != null) return;
    callback = new LogCallback() {
      @Override
      public void call(int level, BytePointer msg) {
        String line = msg.getString().strip();
        if (line.isEmpty()) return;
        List<String> captured = CAPTURE.get();
        if (captured != null && level <= avutil.AV_LOG_WARNING) captured.add(line);
        if (level <= avutil.AV_LOG_ERROR) LOG.debug("{}", line); // callers report errors themselves
        else if (level <= avutil.AV_LOG_WARNING) LOG.debug("{}", line);
        else if (LOG.isTraceEnabled()) LOG.trace("{}", line);
      }
    }.retainReference();
    avutil.av_log_set_level(avutil.AV_LOG_INFO);
    avutil.setLogCallback(callback);
  }

  /** What action logged at warning level or worse on this thread, with its result. */
  public record Captured<T>(T result, List<String> lines) {}

  /** Runs action and returns its result with the warning/error lines FFmpeg logged meanwhile. */
  public static <T> Captured<T> capture(Supplier<T> action) {
    Av.load();
    List<String> previous = CAPTURE.get();
    List<String> lines = new ArrayList<>();
    CAPTURE.set(lines);
    try {
      T result = action.get();
      return new Captured<>(result, List.copyOf(lines));
    } finally {
      if (previous == null) CAPTURE.remove();
      else CAPTURE.set(previous);
    }
  }
}
