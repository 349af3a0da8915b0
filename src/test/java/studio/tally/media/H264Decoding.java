package studio.tally.media;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/** Test helper: decodes AVCC H.264 packets (with their avcC) with FFmpeg and hands each picture over. */
public final class H264Decoding {
  private H264Decoding() {}

  public static void decode(byte[] avcC, List<EncodedPacket> packets, Consumer<AVFrame> pictures) {
    Av.load();
    AVCodecContext ctx = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_H264));
    BytePointer extradata = new BytePointer(av_mallocz(avcC.length + AV_INPUT_BUFFER_PADDING_SIZE));
    extradata.capacity(avcC.length).put(avcC);
    ctx.extradata(extradata);
    ctx.extradata_size(avcC.length);
    ctx.thread_count(1);
    Av.check(avcodec_open2(ctx, avcodec_find_decoder(AV_CODEC_ID_H264), (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "h264 decoder");
    AVPacket pkt = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      for (EncodedPacket p : packets) {
        if (!p.isVideo()) continue;
        Av.check(av_new_packet(pkt, p.data().length), "packet");
        pkt.data().put(p.data());
        pkt.pts(p.ptsMicros());
        pkt.dts(p.dtsMicros());
        Av.check(avcodec_send_packet(ctx, pkt), "decode");
        av_packet_unref(pkt);
        receive(ctx, frame, pictures);
      }
      avcodec_send_packet(ctx, null);
      receive(ctx, frame, pictures);
    } finally {
      av_frame_free(frame);
      av_packet_free(pkt);
      avcodec_free_context(ctx);
    }
  }

  private static void receive(AVCodecContext ctx, AVFrame frame, Consumer<AVFrame> pictures) {
    while (avcodec_receive_frame(ctx, frame) >= 0) {
      pictures.accept(frame);
      av_frame_unref(frame);
    }
  }
}
