package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;
import studio.tally.media.FilterGraph;

/**
 * A moving test picture (FFmpeg's testsrc2) stamped for measurement: a {@link BlockCode} band with
 * the frame number and the capture wall-clock ms at the top, and the same as text beneath it
 * (UTC HH:MM:SS.mmm and #frame; text only when DejaVuSans is installed). Frames are yuv420p and
 * never leave native memory.
 *
 * <p>{@link #plain} leaves the block band out: the picture is then exactly what FFmpeg's own
 * {@code testsrc2,drawtext} graph draws, which benchmarks against the ffmpeg CLI need (the band changes
 * every frame in high contrast and costs the encoder ~1 ms per 1080p frame more than testsrc2's corner).
 */
public final class TestPattern implements VideoSource {
  /** Where Debian/Ubuntu keep the font drawtext uses; without it the pattern carries blocks only. */
  public static final Path FONT = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");

  private final String name;
  private final VideoFormat format;
  private final SessionClock clock;
  private final FilterGraph background;
  private final FilterGraph text;
  private final boolean blockCode;
  private long frameNumber;

  public TestPattern(String name, VideoFormat format, SessionClock clock) {
    this(name, format, clock, true);
  }

  /** The test picture and its text without the {@link BlockCode} band (not machine-readable for latency). */
  public static TestPattern plain(String name, VideoFormat format, SessionClock clock) {
    return new TestPattern(name, format, clock, false);
  }

  private TestPattern(String name, VideoFormat format, SessionClock clock, boolean blockCode) {
    Av.load();
    this.blockCode = blockCode;
    this.name = name;
    this.format = format;
    this.clock = clock;
    var rate = av_d2q(format.fps(), 1_000_000);
    background = new FilterGraph(String.format(Locale.ROOT, "testsrc2=s=%dx%d:r=%d/%d,format=yuv420p,buffersink@out",
        format.width(), format.height(), rate.num(), rate.den()), 1);
    text = Files.isReadable(FONT) ? new FilterGraph(textGraph(), 1) : null;
  }

  private String textGraph() {
    long wallStart = clock.wallMicros(0);
    double secondsOfDay = Math.floorMod(wallStart, 86_400_000_000L) / 1e6;
    int fontSize = Math.max(10, format.height() / 16);
    int y = BlockCode.bandHeight(format.width()) + fontSize / 2;
    return String.format(Locale.ROOT,
        "buffer@in=video_size=%dx%d:pix_fmt=yuv420p:time_base=1/1000000:pixel_aspect=1/1,"
            + "drawtext=fontfile=%s:text='%%{pts\\:hms\\:%.6f} UTC  #%%{metadata\\:tally.frame}'"
            + ":x=%d:y=%d:fontsize=%d:fontcolor=white:box=1:boxcolor=black@0.7:boxborderw=%d,buffersink@out",
        format.width(), format.height(), FONT, secondsOfDay, fontSize / 2, y, fontSize, Math.max(2, fontSize / 5));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int width() {
    return format.width();
  }

  @Override
  public int height() {
    return format.height();
  }

  @Override
  public int pixelFormat() {
    return AV_PIX_FMT_YUV420P;
  }

  public VideoFormat format() {
    return format;
  }

  @Override
  public AVFrame frameAt(long sessionMicros) {
    AVFrame frame = av_frame_alloc();
    if (!background.pull("out", frame)) {
      av_frame_free(frame);
      throw new MediaException("test pattern generator stopped");
    }
    Av.check(av_frame_make_writable(frame), "test pattern frame");
    long number = frameNumber++;
    long wallMillis = clock.wallMicros(sessionMicros) / 1000;
    frame.pts(sessionMicros);
    if (blockCode) BlockCode.draw(frame, number, wallMillis);
    if (text == null) return frame;
    AVDictionary metadata = frame.metadata();
    if (metadata == null) metadata = new AVDictionary(null);
    av_dict_set(metadata, "tally.frame", Long.toString(number), 0);
    frame.metadata(metadata);
    text.push("in", frame);
    av_frame_unref(frame);
    if (!text.pull("out", frame)) {
      av_frame_free(frame);
      throw new MediaException("test pattern text overlay produced no frame");
    }
    frame.pts(sessionMicros);
    return frame;
  }

  @Override
  public void close() {
    background.close();
    if (text != null) text.close();
  }
}
