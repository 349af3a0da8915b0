package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import studio.tally.media.Av;
import studio.tally.media.EncodedPacket;
import studio.tally.media.MediaException;
import studio.tally.media.StreamFormat;

/**
 * FFmpeg's native AAC-LC encoder, 48 kHz stereo float planar in (1024-sample frames, pts in
 * samples), raw AAC frames out with µs timestamps, and the AudioSpecificConfig as decoder config.
 * The first packet carries the encoder delay as a negative pts (−1024 samples), as FFmpeg stamps it.
 */
public final class AudioEncoder implements AutoCloseable {
  public static final int SAMPLE_RATE = 48_000;
  public static final int CHANNELS = 2;
  private static final AVRational MICROS = av_make_q(1, 1_000_000);

  private final int bitrateKbps;
  private AVCodecContext ctx;
  private final AVPacket packet = av_packet_alloc();
  private final byte[] audioSpecificConfig;

  public AudioEncoder(int bitrateKbps) {
    Av.load();
    if (bitrateKbps < 16 || bitrateKbps > 512) throw new IllegalArgumentException("audio bitrate " + bitrateKbps + " kbps out of range 16..512");
    this.bitrateKbps = bitrateKbps;
    AVCodec codec = avcodec_find_encoder_by_name("aac");
    if (codec == null) throw new MediaException("FFmpeg's aac encoder is not in this build");
    ctx = avcodec_alloc_context3(codec);
    ctx.sample_rate(SAMPLE_RATE);
    ctx.sample_fmt(AV_SAMPLE_FMT_FLTP);
    av_channel_layout_default(ctx.ch_layout(), CHANNELS);
    ctx.bit_rate(bitrateKbps * 1000L);
    ctx.time_base(av_make_q(1, SAMPLE_RATE));
    ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    int ret = avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
    if (ret < 0) {
      close();
      Av.check(ret, "cannot open the aac encoder");
    }
    audioSpecificConfig = new byte[ctx.extradata_size()];
    ctx.extradata().get(audioSpecificConfig);
  }

  /** Samples per frame the encoder wants (1024). */
  public int frameSize() {
    return ctx.frame_size();
  }

  public StreamFormat.Audio format() {
    return new StreamFormat.Audio("aac", SAMPLE_RATE, CHANNELS, bitrateKbps, audioSpecificConfig.clone());
  }

  /** Encodes frame (null flushes) and hands the packets released to out. */
  public void encode(AVFrame frame, Consumer<EncodedPacket> out) {
    int ret = avcodec_send_frame(ctx, frame);
    if (ret < 0 && !Av.isEof(ret)) Av.check(ret, "aac encoder refused a frame");
    while (true) {
      ret = avcodec_receive_packet(ctx, packet);
      if (Av.isAgain(ret) || Av.isEof(ret)) return;
      Av.check(ret, "aac encoder failed");
      try {
        byte[] data = new byte[packet.size()];
        packet.data().get(data);
        long pts = av_rescale_q(packet.pts(), ctx.time_base(), MICROS);
        long dts = packet.dts() == AV_NOPTS_VALUE ? pts : av_rescale_q(packet.dts(), ctx.time_base(), MICROS);
        out.accept(new EncodedPacket(EncodedPacket.Track.AUDIO, pts, dts, true, data));
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
    if (!packet.isNull()) av_packet_free(packet);
  }
}
