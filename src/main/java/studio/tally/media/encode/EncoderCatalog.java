package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.VideoFormat;

/**
 * The video encoders Tally can drive, in order of preference per codec (hardware first, then
 * software), and which of them work on this machine. Probing really opens each one at 256x144 and
 * encodes one frame, so "usable" means usable, and "not usable" carries FFmpeg's reason
 * ("Cannot load libcuda.so.1", "No VA display found", "not in this FFmpeg build").
 */
public final class EncoderCatalog {
  /** Preference order; the first usable one of a codec is what "auto" picks. */
  public static final List<EncoderCandidate> CANDIDATES = List.of(
      EncoderCandidate.direct("h264_nvenc", "h264", AV_PIX_FMT_YUV420P),
      EncoderCandidate.withDevice("h264_qsv", "h264", AV_HWDEVICE_TYPE_QSV),
      EncoderCandidate.withDevice("h264_vaapi", "h264", AV_HWDEVICE_TYPE_VAAPI),
      EncoderCandidate.direct("h264_videotoolbox", "h264", AV_PIX_FMT_NV12),
      EncoderCandidate.direct("h264_amf", "h264", AV_PIX_FMT_NV12),
      EncoderCandidate.direct("h264_mf", "h264", AV_PIX_FMT_NV12),
      EncoderCandidate.withDevice("h264_vulkan", "h264", AV_HWDEVICE_TYPE_VULKAN),
      EncoderCandidate.software("libx264", "h264"),
      EncoderCandidate.software("libopenh264", "h264"),
      EncoderCandidate.direct("hevc_nvenc", "hevc", AV_PIX_FMT_YUV420P),
      EncoderCandidate.withDevice("hevc_qsv", "hevc", AV_HWDEVICE_TYPE_QSV),
      EncoderCandidate.withDevice("hevc_vaapi", "hevc", AV_HWDEVICE_TYPE_VAAPI),
      EncoderCandidate.direct("hevc_videotoolbox", "hevc", AV_PIX_FMT_NV12),
      EncoderCandidate.direct("hevc_amf", "hevc", AV_PIX_FMT_NV12),
      EncoderCandidate.direct("hevc_mf", "hevc", AV_PIX_FMT_NV12),
      EncoderCandidate.software("libx265", "hevc"),
      EncoderCandidate.direct("av1_nvenc", "av1", AV_PIX_FMT_YUV420P),
      EncoderCandidate.withDevice("av1_qsv", "av1", AV_HWDEVICE_TYPE_QSV),
      EncoderCandidate.withDevice("av1_vaapi", "av1", AV_HWDEVICE_TYPE_VAAPI),
      EncoderCandidate.direct("av1_amf", "av1", AV_PIX_FMT_NV12),
      EncoderCandidate.software("libsvtav1", "av1"),
      EncoderCandidate.software("libaom-av1", "av1"));

  private static final Map<String, EncoderProbe> CACHE = new ConcurrentHashMap<>();
  private static final VideoFormat PROBE_FORMAT = new VideoFormat(256, 144, 30);

  private EncoderCatalog() {}

  /** Probes every candidate (results are cached for the process: hardware does not come and go). */
  public static List<EncoderProbe> probe() {
    List<EncoderProbe> all = new ArrayList<>();
    for (EncoderCandidate c : CANDIDATES) all.add(probe(c));
    return all;
  }

  /** Probes one candidate (cached). */
  public static EncoderProbe probe(EncoderCandidate candidate) {
    return CACHE.computeIfAbsent(candidate.name(), n -> probeNow(candidate));
  }

  /**
   * Probes on a throwaway thread: some encoders change the scheduling of the thread that opens them
   * (SVT-AV1 run as root makes it SCHED_FIFO 99), and every thread and process started later from
   * that thread would inherit it — a real-time spinning JVM starves the whole machine.
   */
  private static EncoderProbe probeNow(EncoderCandidate c) {
    EncoderProbe[] result = new EncoderProbe[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = Thread.ofPlatform().name("tally-encoder-probe").daemon().start(() -> {
      try {
        result[0] = probeOnThisThread(c);
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    });
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaException("interrupted while probing " + c.name(), e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return result[0];
  }

  private static EncoderProbe probeOnThisThread(EncoderCandidate c) {
    Av.load();
    long start = System.nanoTime();
    var settings = EncoderSettings.of(c.name(), 300);
    AVFrame frame = null;
    try (var encoder = VideoEncoder.open(c, settings, PROBE_FORMAT, av_make_q(1, 30))) {
      frame = blackFrame(c.swPixelFormat(), PROBE_FORMAT.width(), PROBE_FORMAT.height());
      int[] packets = {0};
      encoder.encode(frame, p -> packets[0]++);
      encoder.encode(null, p -> packets[0]++);
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (packets[0] == 0) return new EncoderProbe(c.name(), c.codec(), c.hardware(), false, "opened but produced no packet", ms);
      return new EncoderProbe(c.name(), c.codec(), c.hardware(), true, null, ms);
    } catch (MediaException e) {
      return new EncoderProbe(c.name(), c.codec(), c.hardware(), false, e.getMessage(), (System.nanoTime() - start) / 1_000_000);
    } finally {
      if (frame != null) av_frame_free(frame);
    }
  }

  static AVFrame blackFrame(int pixFmt, int width, int height) {
    AVFrame frame = av_frame_alloc();
    frame.format(pixFmt);
    frame.width(width);
    frame.height(height);
    frame.pts(0);
    Av.check(av_frame_get_buffer(frame, 0), "frame buffer");
    Pointer.memset(frame.data(0), 16, (long) frame.linesize(0) * height);
    Pointer.memset(frame.data(1), 128, (long) frame.linesize(1) * ((height + 1) / 2));
    if (pixFmt == AV_PIX_FMT_YUV420P) Pointer.memset(frame.data(2), 128, (long) frame.linesize(2) * ((height + 1) / 2));
    return frame;
  }

  /** The candidate called name; unknown names fail with the list of usable ones. */
  public static EncoderCandidate byName(String name) {
    return byName(name, null);
  }

  /** Like {@link #byName(String)}; the usable ones listed for an unknown name are those of codec (null: all). */
  public static EncoderCandidate byName(String name, String codec) {
    for (EncoderCandidate c : CANDIDATES) {
      if (c.name().equals(name)) return c;
    }
    throw new MediaException("unknown encoder '" + name + "': available: " + usableNames(codec) + " (known: "
        + CANDIDATES.stream().map(EncoderCandidate::name).collect(Collectors.joining(", ")) + ")");
  }

  /**
   * The encoder to use for settings: "auto" → the first usable candidate of its codec; a name → that
   * candidate, probed, failing with FFmpeg's reason when it is not usable here.
   */
  public static EncoderCandidate select(EncoderSettings settings) {
    if (settings.encoder().equals("auto")) {
      for (EncoderCandidate c : CANDIDATES) {
        if (c.codec().equals(settings.codec()) && probe(c).usable()) return c;
      }
      throw new MediaException("no usable " + settings.codec() + " encoder on this machine: "
          + probe(settings.codec()).stream().map(p -> p.name() + ": " + p.reason()).toList());
    }
    EncoderCandidate c = byName(settings.encoder(), settings.codec());
    if (!c.codec().equals(settings.codec())) {
      throw new MediaException("encoder '" + c.name() + "' encodes " + c.codec() + ", not " + settings.codec());
    }
    EncoderProbe probe = probe(c);
    if (!probe.usable()) {
      throw new MediaException("encoder '" + c.name() + "' is not usable here: " + probe.reason() + "; available: " + usableNames(c.codec()));
    }
    return c;
  }

  /**
   * Probes the candidates of codec only (null: all). Probing opens each encoder for real, and some
   * print to stderr as they open (SVT-AV1's banner): a user publishing H.264 must not see AV1 noise.
   */
  public static List<EncoderProbe> probe(String codec) {
    List<EncoderProbe> all = new ArrayList<>();
    for (EncoderCandidate c : CANDIDATES) {
      if (codec == null || c.codec().equals(codec)) all.add(probe(c));
    }
    return all;
  }

  private static String usableNames(String codec) {
    return probe(codec).stream().filter(EncoderProbe::usable).map(EncoderProbe::name).collect(Collectors.joining(", "));
  }
}
