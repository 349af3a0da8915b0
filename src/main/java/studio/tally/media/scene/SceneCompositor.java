package studio.tally.media.scene;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import studio.tally.media.FilterGraph;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.AudioSource;
import studio.tally.media.capture.VideoSource;

/**
 * Composes the session's picture and sound with FFmpeg filter graphs. Video: layer 0 is scaled to
 * the output size, later layers are scaled to their {@link Layer} and overlaid in order (screen +
 * camera picture-in-picture), then {@code fps} makes the rate constant and {@code format} yields
 * the encoder's pixel format; one colour conversion per source, in native memory. Audio: each
 * source resampled to 48 kHz stereo float, its gain (dB) or mute applied by a {@code volume}
 * filter that can be changed live, then {@code amix}ed without normalisation.
 *
 * <p>Input frames carry session-clock pts (video µs, audio samples since session start), so audio
 * and video leave stamped from the one clock. Not thread-safe: the session's scene thread owns it.
 */
public final class SceneCompositor implements AutoCloseable {
  public static final int SAMPLE_RATE = 48_000;
  public static final int CHANNELS = 2;
  private static final AVRational MICROS = av_make_q(1, 1_000_000);

  /** A picture source and where it goes. */
  public record VideoInput(VideoSource source, Layer layer) {}

  /** A sound source, its gain in dB and whether it is muted. */
  public record AudioInput(AudioSource source, double gainDb, boolean muted) {
    public AudioInput(AudioSource source) {
      this(source, 0, false);
    }
  }

  private final VideoFormat output;
  private final FilterGraph video;
  private final FilterGraph audio;
  private final int videoInputs;
  private final double[] gains;
  private final boolean[] muted;
  private final AVRational videoTimeBase;

  /**
   * @param outputPixelFormat AV_PIX_FMT_YUV420P for software encoders, AV_PIX_FMT_NV12 to upload to
   *     VAAPI/QSV
   */
  public SceneCompositor(VideoFormat output, int outputPixelFormat, List<VideoInput> videoIn, List<AudioInput> audioIn) {
    this.output = output;
    this.videoInputs = videoIn.size();
    if (videoIn.isEmpty() && audioIn.isEmpty()) throw new IllegalArgumentException("a scene needs at least one source");
    video = videoIn.isEmpty() ? null : new FilterGraph(videoGraph(output, outputPixelFormat, videoIn), sliceThreads(videoIn));
    videoTimeBase = video == null ? MICROS : av_make_q(video.timeBase("vout").num(), video.timeBase("vout").den());
    gains = new double[audioIn.size()];
    muted = new boolean[audioIn.size()];
    for (int i = 0; i < audioIn.size(); i++) {
      gains[i] = audioIn.get(i).gainDb();
      muted[i] = audioIn.get(i).muted();
    }
    audio = audioIn.isEmpty() ? null : new FilterGraph(audioGraph(audioIn), 1);
    if (audio != null) audio.setFrameSize("aout", 1024);
  }

  /**
   * Slice threads for the video graph: colour conversion of captured RGB screens is worth spreading
   * over the cores; for yuv420p inputs (scale + overlay only) the thread hand-offs cost more CPU than
   * they save while the encoder keeps every core busy anyway.
   */
  static int sliceThreads(List<VideoInput> inputs) {
    boolean allYuv = inputs.stream().allMatch(i -> i.source().pixelFormat() == AV_PIX_FMT_YUV420P);
    return Integer.getInteger("tally.sceneThreads", allYuv ? 1 : 0);
  }

  /** The filter graph description for the video side (also what the benchmark hands the ffmpeg CLI). */
  public static String videoGraph(VideoFormat output, int pixelFormat, List<VideoInput> inputs) {
    var rate = av_d2q(output.fps(), 1_000_000);
    var graph = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      VideoSource s = inputs.get(i).source();
      graph.append(String.format(Locale.ROOT, "buffer@v%d=video_size=%dx%d:pix_fmt=%s:time_base=1/1000000:pixel_aspect=1/1[s%d];",
          i, s.width(), s.height(), av_get_pix_fmt_name(s.pixelFormat()).getString(), i));
    }
    graph.append(layerChains(output, inputs, "[s%d]"));
    graph.append(String.format(Locale.ROOT, "fps=fps=%d/%d,format=%s,buffersink@vout", rate.num(), rate.den(),
        av_get_pix_fmt_name(pixelFormat).getString()));
    return graph.toString();
  }

  /** scale + overlay chains from labelled inputs (inputLabel has one %d) to an open chain end. */
  public static String layerChains(VideoFormat output, List<VideoInput> inputs, String inputLabel) {
    var graph = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      Layer layer = i == 0 ? Layer.FULL : inputs.get(i).layer();
      graph.append(String.format(Locale.ROOT, inputLabel + "scale=%d:%d,format=yuv420p[l%d];", i,
          Layer.even(layer.width() * output.width()), Layer.even(layer.height() * output.height()), i));
    }
    String previous = "[l0]";
    for (int i = 1; i < inputs.size(); i++) {
      Layer layer = inputs.get(i).layer();
      graph.append(String.format(Locale.ROOT, "%s[l%d]overlay=x=%d:y=%d:eof_action=repeat:format=yuv420[m%d];", previous, i,
          (int) Math.round(layer.x() * output.width()), (int) Math.round(layer.y() * output.height()), i));
      previous = "[m" + i + "]";
    }
    return graph.append(previous).toString();
  }

  private static String audioGraph(List<AudioInput> inputs) {
    var graph = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      AudioSource s = inputs.get(i).source();
      graph.append(String.format(Locale.ROOT,
          "abuffer@a%d=time_base=1/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s,aresample=%d,"
              + "aformat=sample_fmts=fltp:channel_layouts=stereo,volume@g%d=volume=%s:precision=float[m%d];",
          i, s.sampleRate(), s.sampleRate(), av_get_sample_fmt_name(s.sampleFormat()).getString(),
          s.channels() == 1 ? "mono" : s.channels() == 2 ? "stereo" : s.channels() + "c", SAMPLE_RATE, i,
          volume(inputs.get(i).gainDb(), inputs.get(i).muted()), i));
    }
    for (int i = 0; i < inputs.size(); i++) graph.append("[m").append(i).append(']');
    if (inputs.size() > 1) {
      graph.append("amix=inputs=").append(inputs.size()).append(":normalize=0:duration=longest,");
    } else {
      graph.append("anull,");
    }
    graph.append("aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,abuffersink@aout");
    return graph.toString();
  }

  private static String volume(double gainDb, boolean muted) {
    if (!Double.isFinite(gainDb)) throw new IllegalArgumentException("gain " + gainDb + " dB is not a number");
    return muted ? "0" : String.format(Locale.ROOT, "%.2fdB", gainDb);
  }

  public VideoFormat output() {
    return output;
  }

  public boolean hasVideo() {
    return video != null;
  }

  public boolean hasAudio() {
    return audio != null;
  }

  /** Time base of the frames {@link #pullVideo} returns: 1/fps after the fps filter. */
  public AVRational videoTimeBase() {
    return videoTimeBase;
  }

  /** Hands video input i a frame (pts in session µs); takes its reference. */
  public void pushVideo(int i, AVFrame frame) {
    video.push("v" + i, frame);
  }

  /** Hands audio input i a frame (pts in its samples since session start); takes its reference. */
  public void pushAudio(int i, AVFrame frame) {
    audio.push("a" + i, frame);
  }

  /** Next composed picture into blank into, pts in {@link #videoTimeBase()}; false when none is ready. */
  public boolean pullVideo(AVFrame into) {
    return video != null && video.pull("vout", into);
  }

  /** Next 1024-sample mixed audio frame into blank into, pts in 1/48000 s; false when none is ready. */
  public boolean pullAudio(AVFrame into) {
    return audio != null && audio.pull("aout", into);
  }

  /** Sets audio input i's gain in dB, live. */
  public void setGain(int i, double gainDb) {
    gains[i] = gainDb;
    audio.command("g" + i, "volume", volume(gains[i], muted[i]));
  }

  /** Mutes or unmutes audio input i, live. */
  public void setMuted(int i, boolean mute) {
    muted[i] = mute;
    audio.command("g" + i, "volume", volume(gains[i], muted[i]));
  }

  /**
   * Ends every input at session time endMicros (the time of the tick that will not come), so the
   * next pulls drain what the graphs hold, the last frame included.
   */
  public void endOfStream(long endMicros, int[] sampleRates) {
    for (int i = 0; i < videoInputs; i++) video.endOfStream("v" + i, endMicros);
    for (int i = 0; i < gains.length; i++) audio.endOfStream("a" + i, endMicros * sampleRates[i] / 1_000_000L);
  }

  @Override
  public void close() {
    if (video != null) video.close();
    if (audio != null) audio.close();
  }
}
