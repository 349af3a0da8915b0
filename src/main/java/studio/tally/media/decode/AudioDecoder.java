package studio.tally.media.decode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import studio.tally.media.Av;
import studio.tally.media.MediaException;

/**
 * One audio decoder opened from the stream's sequence header: AAC from its AudioSpecificConfig,
 * Opus from its OpusHead — no probing. Raw frames in (as FLV carries them) with µs timestamps,
 * {@link DecodedAudio} out. Not thread-safe: one decode thread owns it.
 */
public final class AudioDecoder implements AutoCloseable {

  /** The audio codecs FLV/RTMP carry that we decode. */
  public enum Codec {
    AAC(AV_CODEC_ID_AAC), OPUS(AV_CODEC_ID_OPUS);

    final int id;

    Codec(int id) {
      this.id = id;
    }
  }

  private final Codec codec;
  private final AVCodecContext ctx;
  private final AVPacket packet = av_packet_alloc();
  private final AVFrame frame = av_frame_alloc();
  private long rejected;

  private AudioDecoder(Codec codec, AVCodecContext ctx) {
    this.codec = codec;
    this.ctx = ctx;
  }

  /**
   * @param config AudioSpecificConfig (AAC) or OpusHead (Opus)
   * @throws MediaException when FFmpeg has no such decoder or rejects the config
   */
  public static AudioDecoder open(Codec codec, byte[] config) {
    Av.loadCodecs();
    AVCodec decoder = avcodec_find_decoder(codec.id);
    if (decoder == null) throw new MediaException("this FFmpeg build has no " + codec + " decoder");
    AVCodecContext ctx = avcodec_alloc_context3(decoder);
    BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
    extradata.capacity(config.length).put(config);
    ctx.extradata(extradata);
    ctx.extradata_size(config.length);
    ctx.pkt_timebase(av_make_q(1, 1_000_000));
    if (codec == Codec.OPUS) ctx.sample_rate(48_000);
    int r = avcodec_open2(ctx, decoder, (AVDictionary) null);
    if (r < 0) {
      avcodec_free_context(ctx);
      throw new MediaException("cannot open the " + codec + " decoder from its " + config.length
          + "-byte configuration: " + Av.error(r));
    }
    return new AudioDecoder(codec, ctx);
  }

  public Codec codec() {
    return codec;
  }

  /** Packets the decoder refused as corrupt. */
  public long rejected() {
    return rejected;
  }

  /** Decodes one raw frame; each block of samples goes to out (valid during the call). Returns blocks. */
  public int decode(byte[] data, int offset, int length, long ptsMicros, Consumer<DecodedAudio> out) {
    Av.check(av_new_packet(packet, length), "audio packet");
    packet.data().position(0).put(data, offset, length);
    packet.pts(ptsMicros);
    packet.dts(ptsMicros);
    int r = avcodec_send_packet(ctx, packet);
    av_packet_unref(packet);
    if (r < 0 && !Av.isAgain(r)) rejected++;
    int n = 0;
    while (avcodec_receive_frame(ctx, frame) >= 0) {
      try {
        long pts = frame.best_effort_timestamp();
        out.accept(new DecodedAudio(frame.nb_samples(), frame.sample_rate(), frame.ch_layout().nb_channels(),
            pts == AV_NOPTS_VALUE ? ptsMicros : pts));
        n++;
      } finally {
        av_frame_unref(frame);
      }
    }
    return n;
  }

  @Override
  public void close() {
    av_frame_free(frame);
    av_packet_free(packet);
    avcodec_free_context(ctx);
  }
}
