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
  private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();
  private static final java.util.regex.Pattern CONTEXT = java.util.regex.Pattern.compile("^\\[[^\\]]+ @ 0x[0-9a-fA-F]+\\] ");

  private static final class Capture {
    final List<String> problems = new ArrayList<>();
    final List<String> details = new ArrayList<>();
  }
  private static LogCallback callback; // strong reference: the native side keeps only the pointer

  private FfmpegLog() {}

  static synchronized void install() {
    if (callback != null) return;
    callback = new LogCallback() {
      @Override
      public void call(int level, BytePointer msg) {
        String line = msg.getString().strip();
        if (line.isEmpty()) return;
        Capture captured = CAPTURE.get();
        if (captured != null && level <= avutil.AV_LOG_VERBOSE) {
          String text = CONTEXT.matcher(line).replaceFirst("");
          (level <= avutil.AV_LOG_WARNING ? captured.problems : captured.details).add(text);
        }
        if (level <= avutil.AV_LOG_ERROR) LOG.debug("{}", line); // callers report errors themselves
        else if (level <= avutil.AV_LOG_WARNING) LOG.debug("{}", line);
        else if (LOG.isTraceEnabled()) LOG.trace("{}", line);
      }
    }.retainReference();
    avutil.av_log_set_level(avutil.AV_LOG_VERBOSE);
    avutil.setLogCallback(callback);
  }

  /**
   * What action logged on this thread, with its result: lines = warnings and errors, or the
   * verbose lines when there were none (VAAPI explains a missing device only at verbose level).
   */
  public record Captured<T>(T result, List<String> lines) {}

  /** Runs action and returns its result with the warning/error lines FFmpeg logged meanwhile. */
  public static <T> Captured<T> capture(Supplier<T> action) {
    Av.load();
    Capture previous = CAPTURE.get();
    Capture capture = new Capture();
    CAPTURE.set(capture);
    try {
      T result = action.get();
      List<String> lines = capture.problems.isEmpty()
          ? capture.details.subList(Math.max(0, capture.details.size() - 2), capture.details.size()) : capture.problems;
      return new Captured<>(result, List.copyOf(lines));
    } finally {
      if (previous == null) CAPTURE.remove();
      else CAPTURE.set(previous);
    }
  }
}
