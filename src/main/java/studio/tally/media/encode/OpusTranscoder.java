package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import studio.tally.media.Av;
import studio.tally.media.EncodedPacket;
import studio.tally.media.MediaException;

/**
 * The session's AAC (48 kHz stereo) as Opus for WebRTC destinations: FFmpeg's AAC decoder, then
 * libopus at 48 kHz stereo in 20 ms frames (960 samples, interleaved float as libopus wants), pts in
 * µs on the session clock. One instance per destination, fed from one thread; not thread-safe.
 * The session keeps one audio encode (AAC, for RTMP and the recording); WebRTC gets this second
 * generation of it, as SRS's own RTMP→WebRTC bridge does.
 */
public final class OpusTranscoder implements AutoCloseable {
  public static final int SAMPLE_RATE = 48_000;
  public static final int FRAME_SAMPLES = 960;
  private static final int CHANNELS = 2;

  private AVCodecContext decoder;
  private AVCodecContext encoder;
  private final AVFrame decoded = av_frame_alloc();
  private final AVFrame opusIn = av_frame_alloc();
  private final AVPacket in = av_packet_alloc();
  private final AVPacket out = av_packet_alloc();
  private final float[] pending = new float[FRAME_SAMPLES * CHANNELS * 4];
  private int pendingSamples;
  private long originMicros = Long.MIN_VALUE;
  private long samplesIn;

  /** @param audioSpecificConfig the AAC AudioSpecificConfig of the session's format */
  public OpusTranscoder(byte[] audioSpecificConfig, int bitrateKbps) {
    Av.load();
    try {
      AVCodec aac = avcodec_find_decoder(AV_CODEC_ID_AAC);
      AVCodec opus = avcodec_find_encoder_by_name("libopus");
      if (aac == null || opus == null) {
        throw new MediaException("this FFmpeg build lacks " + (aac == null ? "the aac decoder" : "libopus"));
      }
      decoder = avcodec_alloc_context3(aac);
      BytePointer extra = new BytePointer(av_mallocz(audioSpecificConfig.length + AV_INPUT_BUFFER_PADDING_SIZE));
      extra.put(audioSpecificConfig);
      decoder.extradata(extra);
      decoder.extradata_size(audioSpecificConfig.length);
      Av.check(avcodec_open2(decoder, aac, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "cannot open the aac decoder");
      encoder = avcodec_alloc_context3(opus);
      encoder.sample_rate(SAMPLE_RATE);
      encoder.sample_fmt(AV_SAMPLE_FMT_FLT);
      av_channel_layout_default(encoder.ch_layout(), CHANNELS);
      encoder.bit_rate(bitrateKbps * 1000L);
      encoder.time_base(av_make_q(1, SAMPLE_RATE));
      Av.check(avcodec_open2(encoder, opus, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "cannot open libopus");
      opusIn.nb_samples(FRAME_SAMPLES);
      opusIn.format(AV_SAMPLE_FMT_FLT);
      opusIn.sample_rate(SAMPLE_RATE);
      av_channel_layout_default(opusIn.ch_layout(), CHANNELS);
      Av.check(av_frame_get_buffer(opusIn, 0), "cannot allocate an opus input frame");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Decodes one AAC frame and hands every Opus packet that completes to {@code sink}. */
  public void transcode(EncodedPacket aac, Consumer<EncodedPacket> sink) {
    if (originMicros == Long.MIN_VALUE) {
      originMicros = aac.ptsMicros();
    }
    BytePointer data = new BytePointer(av_malloc(aac.data().length + AV_INPUT_BUFFER_PADDING_SIZE));
    data.put(aac.data());
    try {
      Av.check(av_packet_from_data(in, data, aac.data().length), "cannot wrap an aac packet");
    } catch (RuntimeException e) {
      av_free(data);
      throw e;
    }
    int ret = avcodec_send_packet(decoder, in);
    av_packet_unref(in);
    if (ret < 0) {
      return; // a broken AAC frame: skip it, the next one decodes
    }
    while (avcodec_receive_frame(decoder, decoded) >= 0) {
      try {
        take(decoded, sink);
      } finally {
        av_frame_unref(decoded);
      }
    }
  }

  private void take(AVFrame f, Consumer<EncodedPacket> sink) {
    int n = f.nb_samples();
    int channels = f.ch_layout().nb_channels();
    if (f.format() != AV_SAMPLE_FMT_FLTP || f.sample_rate() != SAMPLE_RATE || channels < 1) {
      throw new MediaException("aac decoded to format " + f.format() + " at " + f.sample_rate() + " Hz; want fltp 48000");
    }
    FloatPointer left = new FloatPointer(f.data(0));
    FloatPointer right = new FloatPointer(f.data(channels > 1 ? 1 : 0));
    for (int i = 0; i < n; i++) {
      if (pendingSamples == pending.length / CHANNELS) {
        flush(sink);
      }
      pending[pendingSamples * 2] = left.get(i);
      pending[pendingSamples * 2 + 1] = right.get(i);
      pendingSamples++;
      if (pendingSamples == FRAME_SAMPLES) {
        flush(sink);
      }
    }
  }

  private void flush(Consumer<EncodedPacket> sink) {
    Av.check(av_frame_make_writable(opusIn), "opus input frame not writable");
    new FloatPointer(opusIn.data(0)).put(pending, 0, FRAME_SAMPLES * CHANNELS);
    opusIn.pts(samplesIn);
    samplesIn += FRAME_SAMPLES;
    System.arraycopy(pending, FRAME_SAMPLES * CHANNELS, pending, 0, (pendingSamples - FRAME_SAMPLES) * CHANNELS);
    pendingSamples -= FRAME_SAMPLES;
    if (avcodec_send_frame(encoder, opusIn) < 0) {
      return;
    }
    while (avcodec_receive_packet(encoder, out) >= 0) {
      try {
        byte[] bytes = new byte[out.size()];
        out.data().get(bytes);
        long pts = originMicros + out.pts() * 1_000_000L / SAMPLE_RATE;
        sink.accept(new EncodedPacket(EncodedPacket.Track.AUDIO, pts, pts, true, bytes));
      } finally {
        av_packet_unref(out);
      }
    }
  }

  @Override
  public void close() {
    if (decoder != null) {
      avcodec_free_context(decoder);
      decoder = null;
    }
    if (encoder != null) {
      avcodec_free_context(encoder);
      encoder = null;
    }
    if (!decoded.isNull()) {
      av_frame_free(decoded);
    }
    if (!opusIn.isNull()) {
      av_frame_free(opusIn);
    }
    if (!in.isNull()) {
      av_packet_free(in);
    }
    if (!out.isNull()) {
      av_packet_free(out);
    }
  }
}
