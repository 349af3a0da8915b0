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
 * One video decoder opened straight from the stream's decoder configuration record (avcC, hvcC or
 * av1C, as FLV/RTMP carry them in the sequence header) — no probing demuxer, so the first keyframe
 * decodes as soon as it arrives. Packets in are what FLV carries: length-prefixed NAL units for
 * H.264/HEVC, low-overhead OBUs for AV1, with µs timestamps. Low-delay, slice threads only: frame
 * threads would hold pictures back. Not thread-safe: one decode thread owns it.
 */
public final class VideoDecoder implements AutoCloseable {

  /** The codecs FLV/RTMP carry that we decode, by the config record that opens them. */
  public enum Codec {
    H264(AV_CODEC_ID_H264), HEVC(AV_CODEC_ID_HEVC), AV1(AV_CODEC_ID_AV1);

    final int id;

    Codec(int id) {
      this.id = id;
    }
  }

  /** FF_THREAD_SLICE and AV_FRAME_FLAG_CORRUPT (macros the presets do not map). */
  private static final int THREAD_SLICE = 2, FRAME_FLAG_CORRUPT = 1;

  private final Codec codec;
  private final AVCodecContext ctx;
  private final AVPacket packet = av_packet_alloc();
  private final AVFrame frame = av_frame_alloc();
  private final DecodedPicture picture = new DecodedPicture();
  private long rejected;

  private VideoDecoder(Codec codec, AVCodecContext ctx) {
    this.codec = codec;
    this.ctx = ctx;
  }

  /**
   * Opens a decoder for codec with config as extradata.
   *
   * @throws MediaException when this FFmpeg has no decoder for codec or rejects the config
   */
  public static VideoDecoder open(Codec codec, byte[] config) {
    Av.loadCodecs();
    AVCodec decoder = avcodec_find_decoder(codec.id);
    if (decoder == null) throw new MediaException("this FFmpeg build has no " + codec + " decoder");
    AVCodecContext ctx = avcodec_alloc_context3(decoder);
    if (config != null && config.length > 0) {
      BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
      extradata.capacity(config.length).put(config);
      ctx.extradata(extradata);
      ctx.extradata_size(config.length);
    }
    ctx.flags(ctx.flags() | AV_CODEC_FLAG_LOW_DELAY);
    ctx.thread_type(THREAD_SLICE);
    ctx.thread_count(2);
    ctx.pkt_timebase(av_make_q(1, 1_000_000));
    int r = avcodec_open2(ctx, decoder, (AVDictionary) null);
    if (r < 0) {
      avcodec_free_context(ctx);
      throw new MediaException("cannot open the " + codec + " decoder from its " + config.length
          + "-byte configuration: " + Av.error(r));
    }
    return new VideoDecoder(codec, ctx);
  }

  public Codec codec() {
    return codec;
  }

  /** Packets the decoder refused as corrupt (each one a lost frame). */
  public long rejected() {
    return rejected;
  }

  /**
   * Decodes one access unit and lends each picture it completes to pictures (valid only during
   * the call). A packet the decoder refuses is counted in {@link #rejected()} and skipped.
   *
   * @return pictures delivered
   */
  public int decode(byte[] data, int offset, int length, long ptsMicros, long dtsMicros, boolean keyframe,
      Consumer<DecodedPicture> pictures) {
    Av.check(av_new_packet(packet, length), "video packet");
    packet.data().position(0).put(data, offset, length);
    packet.pts(ptsMicros);
    packet.dts(dtsMicros);
    if (keyframe) packet.flags(packet.flags() | AV_PKT_FLAG_KEY);
    int r = avcodec_send_packet(ctx, packet);
    av_packet_unref(packet);
    if (r < 0 && !Av.isAgain(r)) rejected++;
    return receive(pictures);
  }

  /** Drains the pictures still inside the decoder (end of stream). */
  public int flush(Consumer<DecodedPicture> pictures) {
    avcodec_send_packet(ctx, (AVPacket) null);
    return receive(pictures);
  }

  private int receive(Consumer<DecodedPicture> pictures) {
    int n = 0;
    while (true) {
      int r = avcodec_receive_frame(ctx, frame);
      if (r < 0) {
        if (!Av.isAgain(r) && !Av.isEof(r)) rejected++;
        return n;
      }
      try {
        if ((frame.decode_error_flags() != 0 || (frame.flags() & FRAME_FLAG_CORRUPT) != 0)) {
          rejected++;
          continue;
        }
        picture.lend(frame);
        n++;
        pictures.accept(picture);
      } finally {
        picture.lend(null);
        av_frame_unref(frame);
      }
    }
  }

  @Override
  public void close() {
    picture.close();
    av_frame_free(frame);
    av_packet_free(packet);
    avcodec_free_context(ctx);
  }
}
