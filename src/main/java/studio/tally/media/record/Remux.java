package studio.tally.media.record;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import studio.tally.media.Av;

/** Stream copy between containers with libavformat (no decoding). */
public final class Remux {
  private Remux() {}

  /** Copies every stream of in into a regular MP4 at out with the moov atom in front. */
  public static void toFaststartMp4(Path in, Path out) {
    Av.load();
    AVFormatContext input = new AVFormatContext(null);
    AVFormatContext output = new AVFormatContext(null);
    AVPacket packet = av_packet_alloc();
    boolean inputOpen = false;
    try {
      Av.check(avformat_open_input(input, in.toString(), null, null), "cannot read " + in);
      inputOpen = true;
      Av.check(avformat_find_stream_info(input, (AVDictionary) null), "cannot read the streams of " + in);
      Av.check(avformat_alloc_output_context2(output, null, "mp4", out.toString()), "mp4 muxer");
      for (int i = 0; i < input.nb_streams(); i++) {
        AVStream source = input.streams(i);
        AVStream target = avformat_new_stream(output, null);
        Av.check(avcodec_parameters_copy(target.codecpar(), source.codecpar()), "stream parameters");
        target.codecpar().codec_tag(0);
        target.time_base(source.time_base());
        target.avg_frame_rate(source.avg_frame_rate());
      }
      AVIOContext io = new AVIOContext(null);
      Av.check(avio_open(io, out.toString(), AVIO_FLAG_WRITE), "cannot write " + out);
      output.pb(io);
      AVDictionary options = new AVDictionary(null);
      av_dict_set(options, "movflags", "faststart", 0);
      int ret = avformat_write_header(output, options);
      av_dict_free(options);
      Av.check(ret, "mp4 header of " + out);
      while (av_read_frame(input, packet) >= 0) {
        AVStream source = input.streams(packet.stream_index());
        AVStream target = output.streams(packet.stream_index());
        av_packet_rescale_ts(packet, source.time_base(), target.time_base());
        packet.pos(-1);
        Av.check(av_interleaved_write_frame(output, packet), "writing " + out);
      }
      Av.check(av_write_trailer(output), "finishing " + out);
    } finally {
      av_packet_free(packet);
      if (inputOpen) avformat_close_input(input);
      if (!output.isNull()) {
        if (output.pb() != null) avio_closep(output.pb());
        avformat_free_context(output);
      }
    }
  }
}
