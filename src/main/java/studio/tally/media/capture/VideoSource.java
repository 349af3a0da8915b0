package studio.tally.media.capture;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A picture producer the session samples once per output frame. Frames stay native (AVFrame)
 * and in the source's own pixel format (yuv420p for the test pattern, bgr0 for x11grab); the scene
 * converts once, to yuv420p.
 */
public interface VideoSource extends AutoCloseable {

  /** For messages and stats: "test pattern", "x11grab :99.0+0,0". */
  String name();

  int width();

  int height();

  /** AV_PIX_FMT_* of the frames {@link #frameAt} returns. */
  int pixelFormat();

  /**
   * A new reference to the picture for session time sessionMicros (pts set to it); the caller owns
   * it (av_frame_free). Null while nothing has been captured yet.
   */
  AVFrame frameAt(long sessionMicros);

  /**
   * Why this source stopped delivering (device unplugged, capture error), or null while it works.
   * The session polls it every frame and replaces a failed source.
   */
  default String failure() {
    return null;
  }

  /**
   * Why this source shows a still picture for now (a capture that stopped delivering without an
   * error: a frozen screen grab, a paused camera), or null while pictures come. Unlike
   * {@link #failure()} the source stays in the scene with its last picture and recovers by itself.
   * Any thread may ask.
   */
  default String problem() {
    return null;
  }

  /** What the scene shows while {@link #problem()} holds: black for a device gone, else its last picture. */
  static String meanwhile(String problem) {
    return problem.startsWith("disconnected") ? "black meanwhile" : "its last picture stays meanwhile";
  }

  @Override
  void close();
}
