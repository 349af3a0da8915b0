package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.Loader;
import studio.tally.media.Av;

/**
 * Stretches or squeezes a device's frames by a few samples each (libswresample's compensation: a
 * polyphase resampler at a rate a hair off 1:1), so a device whose clock runs apart from the
 * session's delivers as many samples as session time passes. Same format in and out. Not thread-safe.
 */
final class DriftResampler implements AutoCloseable {
  private SwrContext swr;
  private final int sampleRate;
  private final int sampleFormat;
  private final int channels;

  DriftResampler(int sampleRate, int sampleFormat, int channels) {
    Loader.load(org.bytedeco.ffmpeg.global.swresample.class);
    this.sampleRate = sampleRate;
    this.sampleFormat = sampleFormat;
    this.channels = channels;
    AVChannelLayout layout = new AVChannelLayout();
    av_channel_layout_default(layout, channels);
    swr = new SwrContext(null);
    Av.check(swr_alloc_set_opts2(swr, layout, sampleFormat, sampleRate, layout, sampleFormat, sampleRate, 0, null), "drift resampler");
    av_channel_layout_uninit(layout);
    Av.check(swr_init(swr), "drift resampler init");
  }

  /** in, with delta samples more (positive) or fewer spread over it; a new frame (the caller owns both). */
  AVFrame convert(AVFrame in, int delta) {
    if (delta != 0) Av.check(swr_set_compensation(swr, delta, in.nb_samples()), "drift compensation");
    AVFrame out = av_frame_alloc();
    out.format(sampleFormat);
    out.sample_rate(sampleRate);
    av_channel_layout_default(out.ch_layout(), channels);
    out.nb_samples(in.nb_samples() + Math.max(0, delta) + 64);
    Av.check(av_frame_get_buffer(out, 0), "drift resampler frame");
    int ret = swr_convert(swr, out.extended_data(), out.nb_samples(), in.extended_data(), in.nb_samples());
    if (ret < 0) {
      av_frame_free(out);
      Av.check(ret, "drift resampling");
    }
    out.nb_samples(ret);
    return out;
  }

  @Override
  public void close() {
    if (swr != null) {
      swr_free(swr);
      swr = null;
    }
  }
}
