package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import studio.tally.media.Av;
import studio.tally.media.EncodedPacket;
import studio.tally.media.FfmpegLog;
import studio.tally.media.MediaException;
import studio.tally.media.StreamFormat;
import studio.tally.media.VideoFormat;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.NalUnits;

/**
 * One open video encoder, driven through the raw FFmpeg API: native frames in (pts in the time
 * base given at open), {@link EncodedPacket}s out in AVCC form with µs timestamps. Hardware
 * encoders that need a device get one here, with a frames context, and frames are uploaded.
 * Not thread-safe: the session's encode thread owns it.
 */
public final class VideoEncoder implements AutoCloseable {
  private static final AVRational MICROS = av_make_q(1, 1_000_000);

  private final EncoderCandidate candidate;
  private final EncoderSettings settings;
  private final VideoFormat format;
  private final AVRational timeBase;
  private AVCodecContext ctx;
  private HardwareFrames hardware;
  private final AVPacket packet = av_packet_alloc();
  private byte[] decoderConfig;
  private boolean flushed;

  private VideoEncoder(EncoderCandidate candidate, EncoderSettings settings, VideoFormat format, AVRational timeBase) {
    this.candidate = candidate;
    this.settings = settings;
    this.format = format;
    this.timeBase = av_make_q(timeBase.num(), timeBase.den());
  }

  /**
   * Opens candidate for format; throws MediaException carrying FFmpeg's reason (return code and the
   * warning/error lines it logged) when it cannot.
   */
  public static VideoEncoder open(EncoderCandidate candidate, EncoderSettings settings, VideoFormat format, AVRational timeBase) {
    Av.load();
    var encoder = new VideoEncoder(candidate, settings, format, timeBase);
    var result = FfmpegLog.capture(() -> {
      try {
        encoder.openContext();
        return null;
      } catch (MediaException e) {
        return e;
      }
    });
    if (result.result() != null) {
      encoder.close();
      String log = result.lines().isEmpty() ? "" : String.join("; ", result.lines()) + " — ";
      throw new MediaException(log + result.result().getMessage(), result.result());
    }
    return encoder;
  }

  private void openContext() {
    AVCodec codec = avcodec_find_encoder_by_name(candidate.name());
    if (codec == null) throw new MediaException(candidate.name() + " is not in this FFmpeg build");
    if (candidate.hwDeviceType() != EncoderCandidate.NONE) {
      hardware = HardwareFrames.open(candidate.hwDeviceType(), candidate.encoderPixelFormat(), candidate.swPixelFormat(),
          format.width(), format.height());
    }
    ctx = avcodec_alloc_context3(codec);
    ctx.width(format.width());
    ctx.height(format.height());
    ctx.time_base(timeBase);
    ctx.framerate(av_d2q(format.fps(), 1_000_000));
    ctx.sample_aspect_ratio(av_make_q(1, 1));
    ctx.pix_fmt(candidate.encoderPixelFormat());
    long bps = settings.bitrateKbps() * 1000L;
    ctx.bit_rate(bps);
    if (!candidate.name().equals("libsvtav1")) { // SVT-AV1 takes a max rate only in CRF mode
      ctx.rc_max_rate(bps);
      ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bps));
    }
    ctx.gop_size((int) Math.max(1, Math.round(settings.keyframeSeconds() * format.fps())));
    ctx.max_b_frames(settings.bFrames());
    ctx.thread_count(settings.threads());
    ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    if (hardware != null) ctx.hw_frames_ctx(hardware.framesRef());

    AVDictionary options = new AVDictionary(null);
    String name = candidate.name();
    String preset = settings.preset() != null ? settings.preset() : defaultPreset(name);
    if (preset != null) av_dict_set(options, "preset", preset, 0);
    if (settings.profile() != null) av_dict_set(options, "profile", settings.profile(), 0);
    if (name.equals("libx264")) {
      av_dict_set(options, "tune", "zerolatency", 0);
      av_dict_set(options, "nal-hrd", "cbr", 0);
    } else if (name.endsWith("_nvenc")) {
      av_dict_set(options, "rc", "cbr", 0);
      av_dict_set(options, "tune", "ll", 0);
    } else if (name.endsWith("_vaapi") || name.endsWith("_qsv") || name.endsWith("_amf") || name.endsWith("_videotoolbox")) {
      if (name.endsWith("_vaapi")) av_dict_set(options, "rc_mode", "CBR", 0);
      if (name.endsWith("_videotoolbox")) av_dict_set(options, "realtime", "1", 0);
    } else if (name.equals("libx265")) {
      av_dict_set(options, "x265-params", "log-level=error", 0);
    } else if (name.equals("libopenh264")) {
      av_dict_set(options, "allow_skip_frames", "0", 0);
    }
    int ret = avcodec_open2(ctx, codec, options);
    av_dict_free(options);
    Av.check(ret, "cannot open " + name);
    if (ctx.extradata() != null && ctx.extradata_size() > 0) {
      byte[] extradata = new byte[ctx.extradata_size()];
      ctx.extradata().get(extradata);
      decoderConfig = candidate.codec().equals("h264") ? AvcDecoderConfigurationRecord.fromExtradata(extradata) : extradata;
    }
  }

  private static String defaultPreset(String name) {
    if (name.equals("libx264")) return "veryfast";
    if (name.endsWith("_nvenc")) return "p4";
    if (name.endsWith("_qsv")) return "veryfast";
    return null;
  }

  /** Pixel format the scene must deliver (yuv420p, or nv12 for encoders that upload to hardware or want it). */
  public int inputPixelFormat() {
    return candidate.swPixelFormat();
  }

  public String name() {
    return candidate.name();
  }

  /** The stream description; decoderConfig is null until the encoder has emitted SPS/PPS. */
  public StreamFormat.Video format() {
    return new StreamFormat.Video(candidate.codec(), format.width(), format.height(), format.fps(), settings.bitrateKbps(),
        decoderConfig, candidate.name());
  }

  /** Whether {@link #format()} already carries the decoder configuration. */
  public boolean hasDecoderConfig() {
    return decoderConfig != null;
  }

  private volatile boolean keyframeRequested;

  /** The next frame encoded becomes a keyframe (IDR). Any thread. */
  public void requestKeyframe() {
    keyframeRequested = true;
  }

  /** AV_FRAME_FLAG_KEY (libavutil/frame.h), which the presets do not map. */
  private static final int FRAME_FLAG_KEY = 1 << 1;

  /**
   * Encodes frame (pts in the open time base; null flushes at the end) and hands every packet the
   * encoder released to out. The frame stays the caller's.
   */
  public void encode(AVFrame frame, Consumer<EncodedPacket> out) {
    if (flushed) throw new IllegalStateException("encoder " + candidate.name() + " already flushed");
    if (frame == null) flushed = true;
    if (frame != null) {
      // Frames of lavfi sources (testsrc2) and raw capture decoders (x11grab, v4l2) come marked as
      // I/key frames; encoders obey that mark (libx264 turns each into a keyframe), which made every
      // frame an IDR. Keyframes are the encoder's call, from gop_size (like the ffmpeg CLI does).
      frame.pict_type(AV_PICTURE_TYPE_NONE);
      frame.flags(frame.flags() & ~FRAME_FLAG_KEY);
      if (keyframeRequested) { // a WebRTC receiver asked (PLI/FIR) or a destination just connected
        keyframeRequested = false;
        frame.pict_type(AV_PICTURE_TYPE_I);
        frame.flags(frame.flags() | FRAME_FLAG_KEY);
      }
    }
    AVFrame input = frame;
    if (frame != null && hardware != null) input = hardware.upload(frame);
    try {
      int ret = avcodec_send_frame(ctx, input);
      if (ret < 0 && !Av.isEof(ret)) Av.check(ret, candidate.name() + " refused a frame");
    } finally {
      if (input != frame) av_frame_free(input);
    }
    drain(out);
  }

  private void drain(Consumer<EncodedPacket> out) {
    while (true) {
      int ret = avcodec_receive_packet(ctx, packet);
      if (Av.isAgain(ret) || Av.isEof(ret)) return;
      Av.check(ret, candidate.name() + " failed");
      try {
        byte[] data = new byte[packet.size()];
        packet.data().get(data);
        if (candidate.codec().equals("h264")) {
          data = NalUnits.toAvcc(data);
          if (decoderConfig == null) {
            AvcDecoderConfigurationRecord inBand = AvcDecoderConfigurationRecord.ofNals(NalUnits.splitAvcc(data));
            if (inBand != null) decoderConfig = inBand.toByteArray();
          }
        }
        long pts = av_rescale_q(packet.pts(), ctx.time_base(), MICROS);
        long dts = packet.dts() == AV_NOPTS_VALUE ? pts : av_rescale_q(packet.dts(), ctx.time_base(), MICROS);
        boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0;
        out.accept(new EncodedPacket(EncodedPacket.Track.VIDEO, pts, dts, key, data));
      } finally {
        av_packet_unref(packet);
      }
    }
  }

  @Override
  public void close() {
    if (ctx != null) {
      avcodec_free_context(ctx);
      ctx = null;
    }
    if (hardware != null) {
      hardware.close();
      hardware = null;
    }
    if (!packet.isNull()) av_packet_free(packet);
  }
}
