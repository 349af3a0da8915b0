package studio.tally.media.scene;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import studio.tally.media.FilterGraph;
import studio.tally.media.Av;
import studio.tally.media.AudioLevel;
import studio.tally.media.MediaException;
import studio.tally.media.SourceFailure;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.AudioSource;
import studio.tally.media.capture.Silence;
import studio.tally.media.capture.SolidPicture;
import studio.tally.media.capture.VideoSource;

/**
 * A scene that can change while it runs: inputs are added, removed, moved and replaced by id, and
 * the avfilter graphs are rebuilt between two frames. A rebuild ends the old graph at the time of
 * the frame about to be pushed and drains it, so the output carries every frame and its pts stay
 * continuous. Mixed audio leaves through a sample FIFO in 1024-sample frames counted from the first
 * one, so a rebuilt mixer never leaves a short frame or a pts jump in the middle of the stream.
 * Each audio input also feeds a meter (after gain and mute). A source that fails is closed and
 * replaced by black or silence of the same shape, and reported.
 *
 * <p>Not thread-safe: the session's scene thread owns it (the meter list is the one exception:
 * {@link #levels()} may be read from any thread).
 */
public final class LiveScene implements AutoCloseable {
  /** Where composed frames go; the frames are only lent for the call. */
  public interface Output {
    /** A composed picture, pts in frames (1/fps). */
    void video(AVFrame frame);

    /** 1024 mixed samples (fewer only for the last), 48 kHz stereo fltp, pts in samples. */
    void audio(AVFrame frame);
  }

  private static final class VideoEntry {
    final int id;
    VideoSource source;
    Layer layer;

    VideoEntry(int id, VideoSource source, Layer layer) {
      this.id = id;
      this.source = source;
      this.layer = layer;
    }
  }

  private static final class AudioEntry {
    final int id; // -1: the silence that keeps the mix going when there is no audio input
    AudioSource source;
    double gainDb;
    boolean muted;
    long nextPts = Long.MIN_VALUE;

    AudioEntry(int id, AudioSource source, double gainDb, boolean muted) {
      this.id = id;
      this.source = source;
      this.gainDb = gainDb;
      this.muted = muted;
    }
  }

  private static final int AAC_FRAME = 1024;

  private final VideoFormat format;
  private int pixelFormat;
  private final Consumer<SourceFailure> failures;
  private final List<VideoEntry> video = new ArrayList<>();
  private final List<AudioEntry> audio = new ArrayList<>();
  private List<AudioEntry> builtAudio = List.of();
  private int builtVideo;
  private FilterGraph videoGraph;
  private FilterGraph audioGraph;
  private boolean videoDirty = true;
  private boolean audioDirty = true;
  private final AVFrame scratch = av_frame_alloc();
  private AVAudioFifo fifo;
  private long audioOutPts = Long.MIN_VALUE;
  private long audioUntil; // session µs up to which every audio input has been drained
  private final Map<Integer, AudioLevel> meter = new HashMap<>();
  private volatile List<AudioLevel> levels = List.of();
  private float[] samples = new float[4096];

  /**
   * Builds the graphs now, so a scene that cannot be composed fails here with FFmpeg's reason.
   * Inputs get ids 0..n-1 in list order. failures hears of every source failure (on this thread).
   */
  public LiveScene(VideoFormat format, int pixelFormat, List<SceneCompositor.VideoInput> videoIn,
      List<SceneCompositor.AudioInput> audioIn, Consumer<SourceFailure> failures) {
    Av.load();
    this.format = format;
    this.pixelFormat = pixelFormat;
    this.failures = failures;
    if (videoIn.isEmpty()) throw new IllegalArgumentException("a scene needs a video source");
    for (int i = 0; i < videoIn.size(); i++) video.add(new VideoEntry(i, videoIn.get(i).source(), videoIn.get(i).layer()));
    for (int i = 0; i < audioIn.size(); i++) {
      var a = audioIn.get(i);
      checkGain(a.gainDb());
      audio.add(new AudioEntry(i, a.source(), a.gainDb(), a.muted()));
    }
    fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, SceneCompositor.CHANNELS, 4 * AAC_FRAME);
    try {
      keepMixGoing(0);
      rebuildVideo(0, null);
      rebuildAudio(null);
    } catch (RuntimeException e) {
      closeGraphs();
      throw e;
    }
    publishLevels();
  }

  static void checkGain(double gainDb) {
    if (!Double.isFinite(gainDb)) throw new IllegalArgumentException("gain " + gainDb + " dB is not a number");
  }

  public VideoFormat format() {
    return format;
  }

  /** Latest meter readings of the audio inputs, in mixing order (any thread). */
  public List<AudioLevel> levels() {
    return levels;
  }

  /** Discards what the audio sources hold from before session time t (a scene starting late). */
  public void discardAudioBefore(long t) {
    for (AudioEntry a : audio) discardBefore(a.source, t);
    audioUntil = t;
  }

  private static void discardBefore(AudioSource source, long t) {
    AVFrame f;
    while ((f = source.next(t)) != null) av_frame_free(f);
  }

  /** Changes the output pixel format (encoder's wish), rebuilding now; drained frames go to out. */
  public void setPixelFormat(int pixFmt, long t, Output out) {
    if (pixFmt == pixelFormat) return;
    pixelFormat = pixFmt;
    rebuildVideo(t, out);
  }

  public void addVideo(int id, SceneCompositor.VideoInput input, long t, Output out) {
    video.add(new VideoEntry(id, input.source(), input.layer()));
    tryRebuildVideo(t, out, "adding " + input.source().name());
  }

  /** Removes video input id and closes its source. */
  public void removeVideo(int id, long t, Output out) {
    VideoEntry e = videoEntry(id);
    video.remove(e);
    closeQuietly(e.source);
    rebuildVideo(t, out);
  }

  public void setLayer(int id, Layer layer) {
    videoEntry(id).layer = layer;
    videoDirty = true;
  }

  public void addAudio(int id, SceneCompositor.AudioInput input, long t, Output out) {
    checkGain(input.gainDb());
    // the mix continues from where the last tick drained it: a new source joins at that instant
    discardBefore(input.source(), audioUntil);
    audio.removeIf(a -> a.id < 0);
    audio.add(new AudioEntry(id, input.source(), input.gainDb(), input.muted()));
    audioDirty = true;
    try {
      rebuildAudio(out);
    } catch (MediaException e) {
      AudioEntry added = audioEntry(id);
      replaceAudio(added, "the mixer refused it: " + e.getMessage(), t);
      rebuildAudio(out);
    }
    publishLevels();
  }

  /** Removes audio input id and closes its source. */
  public void removeAudio(int id, long t, Output out) {
    AudioEntry e = audioEntry(id);
    audio.remove(e);
    closeQuietly(e.source);
    meter.remove(id);
    keepMixGoing(audioUntil);
    audioDirty = true;
    rebuildAudio(out);
    publishLevels();
  }

  public void setGain(int id, double gainDb) {
    checkGain(gainDb);
    AudioEntry e = audioEntry(id);
    e.gainDb = gainDb;
    sendVolume(e);
  }

  public void setMuted(int id, boolean muted) {
    AudioEntry e = audioEntry(id);
    e.muted = muted;
    sendVolume(e);
  }

  private void sendVolume(AudioEntry e) {
    int position = builtAudio.indexOf(e);
    if (audioDirty || position < 0) {
      audioDirty = true; // the rebuild takes the new value
      return;
    }
    audioGraph.command("g" + position, "volume", volume(e));
  }

  /** One frame: samples every video source at t, drains audio up to t, composes, hands out what is ready. */
  public void tick(long t, Output out) {
    checkFailures(t);
    if (videoDirty) rebuildVideo(t, out);
    if (audioDirty) rebuildAudio(out);
    for (int i = 0; i < video.size(); i++) {
      VideoEntry e = video.get(i);
      AVFrame f;
      try {
        f = e.source.frameAt(t);
      } catch (RuntimeException ex) {
        replaceVideo(e, String.valueOf(ex.getMessage()), t);
        continue;
      }
      if (f == null) continue;
      try {
        f.pts(t);
        videoGraph.push("v" + i, f);
      } catch (RuntimeException ex) { // e.g. the device changed its picture size
        replaceVideo(e, String.valueOf(ex.getMessage()), t);
      } finally {
        av_frame_free(f);
      }
    }
    for (int i = 0; i < audio.size(); i++) {
      AudioEntry e = audio.get(i);
      try {
        AVFrame f;
        while ((f = e.source.next(t)) != null) {
          try {
            e.nextPts = f.pts() + f.nb_samples();
            audioGraph.push("a" + i, f);
          } finally {
            av_frame_free(f);
          }
        }
      } catch (RuntimeException ex) {
        replaceAudio(e, String.valueOf(ex.getMessage()), t);
      }
    }
    audioUntil = t;
    drain(out, false);
  }

  /** Ends every input at session time t (the tick that will not come) and drains all, the last short audio frame included. */
  public void end(long t, Output out) {
    endVideo(t);
    endAudio();
    drain(out, true);
  }

  private void checkFailures(long t) {
    for (VideoEntry e : video) {
      String reason = e.source.failure();
      if (reason != null) replaceVideo(e, reason, t);
    }
    for (AudioEntry e : audio) {
      String reason = e.source.failure();
      if (reason != null) replaceAudio(e, reason, t);
    }
  }

  private void replaceVideo(VideoEntry e, String reason, long t) {
    VideoSource failed = e.source;
    e.source = SolidPicture.black("black (" + failed.name() + " failed)", failed.width(), failed.height());
    closeQuietly(failed);
    videoDirty = true;
    failures.accept(new SourceFailure(SourceFailure.Kind.VIDEO, e.id, failed.name(), reason, t));
  }

  private void replaceAudio(AudioEntry e, String reason, long t) {
    AudioSource failed = e.source;
    // silence takes over where the failed source's samples stopped, so the mix has no hole
    long from = e.nextPts == Long.MIN_VALUE ? audioUntil : e.nextPts * 1_000_000L / failed.sampleRate();
    e.source = new Silence("silence (" + failed.name() + " failed)", from);
    closeQuietly(failed);
    audioDirty = true;
    if (e.id >= 0) failures.accept(new SourceFailure(SourceFailure.Kind.AUDIO, e.id, failed.name(), reason, t));
  }

  private void tryRebuildVideo(long t, Output out, String what) {
    try {
      rebuildVideo(t, out);
    } catch (MediaException e) {
      VideoEntry last = video.get(video.size() - 1);
      replaceVideo(last, "the scene refused it (" + what + "): " + e.getMessage(), t);
      rebuildVideo(t, out);
    }
  }

  private void rebuildVideo(long t, Output out) {
    if (videoGraph != null) {
      endVideo(t);
      drainVideo(out);
      videoGraph.close();
      videoGraph = null;
    }
    List<SceneCompositor.VideoInput> inputs = video.stream().map(e -> new SceneCompositor.VideoInput(e.source, e.layer)).toList();
    videoGraph = new FilterGraph(SceneCompositor.videoGraph(format, pixelFormat, inputs), SceneCompositor.sliceThreads(inputs));
    builtVideo = video.size();
    videoDirty = false;
  }

  private void rebuildAudio(Output out) {
    if (audioGraph != null) {
      endAudio();
      drainAudio(out, false);
      audioGraph.close();
      audioGraph = null;
    }
    audioGraph = new FilterGraph(audioGraph(audio), 1);
    builtAudio = List.copyOf(audio);
    audioDirty = false;
  }

  private void endVideo(long t) {
    for (int i = 0; i < builtVideo; i++) videoGraph.endOfStream("v" + i, t);
  }

  private void endAudio() {
    for (int i = 0; i < builtAudio.size(); i++) {
      AudioEntry e = builtAudio.get(i);
      audioGraph.endOfStream("a" + i, e.nextPts == Long.MIN_VALUE ? 0 : e.nextPts);
    }
  }

  private void keepMixGoing(long t) {
    if (audio.isEmpty()) audio.add(new AudioEntry(-1, new Silence("silence", t), 0, false));
  }

  /** Like SceneCompositor's mixer, plus a meter branch per input after its volume. */
  private static String audioGraph(List<AudioEntry> inputs) {
    var graph = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      AudioSource s = inputs.get(i).source;
      graph.append(String.format(Locale.ROOT,
          "abuffer@a%d=time_base=1/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s,aresample=%d,"
              + "aformat=sample_fmts=fltp:channel_layouts=stereo,volume@g%d=volume=%s:precision=float,asplit=2[m%d][k%d];"
              + "[k%d]abuffersink@l%d;",
          i, s.sampleRate(), s.sampleRate(), av_get_sample_fmt_name(s.sampleFormat()).getString(),
          s.channels() == 1 ? "mono" : s.channels() == 2 ? "stereo" : s.channels() + "c", SceneCompositor.SAMPLE_RATE, i,
          volume(inputs.get(i)), i, i, i, i));
    }
    for (int i = 0; i < inputs.size(); i++) graph.append("[m").append(i).append(']');
    graph.append(inputs.size() > 1 ? "amix=inputs=" + inputs.size() + ":normalize=0:duration=longest," : "anull,");
    graph.append("aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,abuffersink@aout");
    return graph.toString();
  }

  private static String volume(AudioEntry e) {
    return e.muted ? "0" : String.format(Locale.ROOT, "%.2fdB", e.gainDb);
  }

  private void drain(Output out, boolean end) {
    drainVideo(out);
    drainAudio(out, end);
  }

  private void drainVideo(Output out) {
    while (videoGraph.pull("vout", scratch)) {
      try {
        if (out != null) out.video(scratch);
      } finally {
        av_frame_unref(scratch);
      }
    }
  }

  private void drainAudio(Output out, boolean end) {
    while (audioGraph.pull("aout", scratch)) {
      try {
        if (audioOutPts == Long.MIN_VALUE) audioOutPts = scratch.pts();
        Av.check(av_audio_fifo_write(fifo, scratch.data(), scratch.nb_samples()), "mixed audio fifo");
      } finally {
        av_frame_unref(scratch);
      }
    }
    boolean metered = false;
    for (int i = 0; i < builtAudio.size(); i++) {
      while (audioGraph.pull("l" + i, scratch)) {
        try {
          measure(builtAudio.get(i).id, scratch);
          metered = true;
        } finally {
          av_frame_unref(scratch);
        }
      }
    }
    if (metered) publishLevels();
    while (av_audio_fifo_size(fifo) >= AAC_FRAME || end && av_audio_fifo_size(fifo) > 0) {
      int n = Math.min(AAC_FRAME, av_audio_fifo_size(fifo));
      AVFrame frame = av_frame_alloc();
      try {
        frame.format(AV_SAMPLE_FMT_FLTP);
        frame.sample_rate(SceneCompositor.SAMPLE_RATE);
        frame.nb_samples(n);
        av_channel_layout_default(frame.ch_layout(), SceneCompositor.CHANNELS);
        Av.check(av_frame_get_buffer(frame, 0), "mixed audio frame");
        av_audio_fifo_read(fifo, frame.data(), n);
        frame.pts(audioOutPts);
        audioOutPts += n;
        if (out != null) out.audio(frame);
      } finally {
        av_frame_free(frame);
      }
    }
  }

  private void measure(int id, AVFrame frame) {
    if (id < 0) return;
    int n = frame.nb_samples();
    int channels = frame.ch_layout().nb_channels();
    if (samples.length < n) samples = new float[n];
    double peak = 0;
    double sum = 0;
    for (int ch = 0; ch < channels; ch++) {
      new FloatPointer(frame.data(ch)).get(samples, 0, n);
      for (int i = 0; i < n; i++) {
        float s = samples[i];
        peak = Math.max(peak, Math.abs(s));
        sum += (double) s * s;
      }
    }
    meter.put(id, AudioLevel.ofLinear(id, peak, n == 0 ? 0 : Math.sqrt(sum / ((long) n * channels))));
  }

  private void publishLevels() {
    List<AudioLevel> now = new ArrayList<>(audio.size());
    for (AudioEntry e : audio) {
      if (e.id >= 0) now.add(e.muted ? AudioLevel.silent(e.id) : meter.getOrDefault(e.id, AudioLevel.silent(e.id)));
    }
    levels = List.copyOf(now);
  }

  private VideoEntry videoEntry(int id) {
    for (VideoEntry e : video) if (e.id == id) return e;
    throw new IllegalArgumentException("no video input " + id);
  }

  private AudioEntry audioEntry(int id) {
    for (AudioEntry e : audio) if (e.id == id && id >= 0) return e;
    throw new IllegalArgumentException("no audio input " + id);
  }

  private static void closeQuietly(AutoCloseable source) {
    try {
      source.close();
    } catch (Exception e) {
      // a failed device may fail to close too; it is gone either way
    }
  }

  private void closeGraphs() {
    if (videoGraph != null) videoGraph.close();
    if (audioGraph != null) audioGraph.close();
    videoGraph = null;
    audioGraph = null;
    if (fifo != null) {
      av_audio_fifo_free(fifo);
      fifo = null;
    }
  }

  /** Closes the graphs and every source still in the scene. */
  @Override
  public void close() {
    closeGraphs();
    av_frame_free(scratch);
    for (VideoEntry e : video) closeQuietly(e.source);
    for (AudioEntry e : audio) closeQuietly(e.source);
    video.clear();
    audio.clear();
  }
}
