package studio.tally.media.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import studio.tally.media.Av;
import studio.tally.server.bridge.AudioUnit;

/**
 * Test audio made and read by FFmpeg itself: a sine encoded by an FFmpeg encoder into units with µs
 * timestamps, and units decoded back to mono float samples (mean of the channels) for frequency and
 * level checks.
 */
final class ToneUnits {
  record Encoded(List<AudioUnit> units, byte[] config, int frameSize, long inputSamples) {}

  private ToneUnits() {}

  /** seconds of a hz sine at amplitude (0..1), every channel the same, through encoder name, starting at startMicros. */
  static Encoded encode(String name, int rate, int channels, double hz, double amplitude, double seconds, long startMicros) {
    return encode(name, rate, channels, n -> amplitude * Math.sin(2 * Math.PI * hz * n / rate), seconds, startMicros);
  }

  /**
   * seconds of {@code signal} (input sample index to -1..1, every channel the same) through encoder name; sample 0
   * is at startMicros, and each unit's time is the encoder's packet time (negative for its priming), so the units
   * are labelled as FFmpeg's muxers label them.
   */
  static Encoded encode(String name, int rate, int channels, LongToDoubleFunction signal, double seconds, long startMicros) {
    Av.loadCodecs();
    AVCodec codec = avcodec_find_encoder_by_name(name);
    if (codec == null) throw new IllegalStateException("no encoder " + name);
    AVCodecContext ctx = avcodec_alloc_context3(codec);
    ctx.sample_rate(rate);
    ctx.sample_fmt(name.equals("libopus") ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_FLTP);
    av_channel_layout_default(ctx.ch_layout(), channels);
    ctx.bit_rate(channels * 64_000L);
    ctx.time_base(av_make_q(1, rate));
    ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    Av.check(avcodec_open2(ctx, codec, (AVDictionary) null), "open " + name);
    byte[] config = new byte[ctx.extradata_size()];
    if (config.length > 0) ctx.extradata().get(config);
    int frameSize = ctx.frame_size();
    boolean interleaved = ctx.sample_fmt() == AV_SAMPLE_FMT_FLT;
    List<AudioUnit> units = new ArrayList<>();
    AVPacket pkt = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    long total = Math.round(seconds * rate);
    long done = 0;
    try {
      while (done < total) {
        frame.format(ctx.sample_fmt());
        frame.sample_rate(rate);
        av_channel_layout_default(frame.ch_layout(), channels);
        frame.nb_samples(frameSize);
        Av.check(av_frame_get_buffer(frame, 0), "frame");
        for (int i = 0; i < frameSize; i++) {
          float v = (float) signal.applyAsDouble(done + i);
          for (int c = 0; c < channels; c++) {
            if (interleaved) new FloatPointer(frame.data(0)).put((long) i * channels + c, v);
            else new FloatPointer(frame.data(c)).put(i, v);
          }
        }
        frame.pts(done);
        done += frameSize;
        Av.check(avcodec_send_frame(ctx, frame), "encode");
        av_frame_unref(frame);
        drain(ctx, pkt, rate, startMicros, units);
      }
    } finally {
      av_frame_free(frame);
      av_packet_free(pkt);
      avcodec_free_context(ctx);
    }
    return new Encoded(units, config, frameSize, done);
  }

  private static void drain(AVCodecContext ctx, AVPacket pkt, int rate, long startMicros, List<AudioUnit> units) {
    while (avcodec_receive_packet(ctx, pkt) >= 0) {
      byte[] b = new byte[pkt.size()];
      pkt.data().get(b);
      units.add(new AudioUnit(b, startMicros + av_rescale(pkt.pts(), 1_000_000, rate)));
      av_packet_unref(pkt);
    }
  }

  /** The units decoded by FFmpeg to mono float at rate (mean of the channels). */
  static float[] decodeMono(int codecId, byte[] config, int rate, int channels, List<AudioUnit> units) {
    Av.loadCodecs();
    Loader.load(org.bytedeco.ffmpeg.global.swresample.class);
    AVCodecContext ctx = avcodec_alloc_context3(avcodec_find_decoder(codecId));
    if (config.length > 0) {
      BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
      extradata.capacity(config.length).put(config);
      ctx.extradata(extradata);
      ctx.extradata_size(config.length);
    }
    ctx.sample_rate(rate);
    av_channel_layout_default(ctx.ch_layout(), channels);
    Av.check(avcodec_open2(ctx, avcodec_find_decoder(codecId), (AVDictionary) null), "open decoder");
    SwrContext swr = swr_alloc();
    AVPacket pkt = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    AVFrame mono = av_frame_alloc();
    float[] out = new float[0];
    int n = 0;
    try {
      for (AudioUnit u : units) {
        Av.check(av_new_packet(pkt, u.data().length), "packet");
        pkt.data().position(0).put(u.data());
        int r = avcodec_send_packet(ctx, pkt);
        av_packet_unref(pkt);
        if (r < 0) throw new IllegalStateException("decode: " + Av.error(r));
        while (avcodec_receive_frame(ctx, frame) >= 0) {
          mono.format(AV_SAMPLE_FMT_FLT);
          mono.sample_rate(rate);
          av_channel_layout_default(mono.ch_layout(), 1);
          Av.check(swr_convert_frame(swr, mono, frame), "downmix");
          int m = mono.nb_samples();
          if (n + m > out.length) out = java.util.Arrays.copyOf(out, Math.max(2 * out.length, n + m));
          new FloatPointer(mono.data(0)).get(out, n, m);
          n += m;
          av_frame_unref(mono);
          av_frame_unref(frame);
        }
      }
    } finally {
      av_frame_free(mono);
      av_frame_free(frame);
      av_packet_free(pkt);
      swr_free(swr);
      avcodec_free_context(ctx);
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Frequency from rising zero crossings over samples [from, to). */
  static double frequency(float[] s, int rate, int from, int to) {
    int first = -1;
    int last = -1;
    int crossings = 0;
    for (int i = Math.max(1, from); i < to; i++) {
      if (s[i - 1] < 0 && s[i] >= 0) {
        if (first < 0) first = i;
        else crossings++;
        last = i;
      }
    }
    return crossings * (double) rate / (last - first);
  }

  /** Index of the first sample from {@code from} on whose magnitude exceeds {@code threshold}, or -1. */
  static int onset(float[] s, int from, double threshold) {
    for (int i = Math.max(0, from); i < s.length; i++) {
      if (Math.abs(s[i]) > threshold) return i;
    }
    return -1;
  }

  /** RMS of samples [from, to), dBFS. */
  static double rmsDb(float[] s, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) sum += (double) s[i] * s[i];
    return 10 * Math.log10(sum / (to - from));
  }

  /** An OpusHead (RFC 7845 §5.1) for a decoder: version 1, channels, no pre-skip, 48 kHz, mapping 0. */
  static byte[] opusHead(int channels) {
    return new byte[] {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, (byte) channels, 0, 0, (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 0};
  }
}
