package studio.tally.media.record;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.media.Av;
import studio.tally.media.EncodedPacket;
import studio.tally.media.MediaException;
import studio.tally.media.PacketSink;
import studio.tally.media.StreamFormat;

/**
 * Records encoded packets to a file with libavformat — a remux, never a re-encode. MP4 is written
 * fragmented ({@code frag_keyframe+empty_moov+default_base_moof}, fragments of at most 1 s, flushed
 * to the OS as they complete), so a process killed with SIGKILL leaves a file that plays up to its
 * last fragment; a clean {@link #close()} then remuxes it into a regular MP4 with the index in
 * front ({@code faststart}) and atomically replaces the fragmented one. MKV (clusters of ≤ 1 s) and
 * FLV are written as they come and need no second pass.
 */
public final class Recorder implements PacketSink {
  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
  private static final AVRational MICROS = av_make_q(1, 1_000_000);

  /** Container of the recording. */
  public enum Container {
    MP4("mp4"), MKV("matroska"), FLV("flv");

    final String muxer;

    Container(String muxer) {
      this.muxer = muxer;
    }

    /** By file extension (.mp4/.m4v/.mov → MP4, .mkv → MKV, .flv → FLV). */
    public static Container of(Path file) {
      String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      if (name.endsWith(".mkv")) return MKV;
      if (name.endsWith(".flv")) return FLV;
      if (name.endsWith(".mp4") || name.endsWith(".m4v") || name.endsWith(".mov")) return MP4;
      throw new IllegalArgumentException("cannot tell the container of '" + file + "': use .mp4, .mkv or .flv");
    }
  }

  private final Path file;
  private final Container container;
  private AVFormatContext out;
  private AVStream videoStream;
  private AVStream audioStream;
  private long videoFrameMicros = 33_333;
  private final AVPacket packet;
  private boolean closed;
  private long packets;

  public Recorder(Path file) {
    this(file, Container.of(file));
  }

  public Recorder(Path file, Container container) {
    Av.load();
    this.file = file.toAbsolutePath();
    this.container = container;
    this.packet = av_packet_alloc();
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized void onFormat(StreamFormat format) {
    if (out != null) throw new IllegalStateException("format already set");
    out = new AVFormatContext(null);
    Av.check(avformat_alloc_output_context2(out, null, container.muxer, file.toString()), "cannot create a " + container + " muxer");
    if (format.video() != null) {
      StreamFormat.Video v = format.video();
      if (!v.codec().equals("h264")) throw new MediaException("recorder takes h264 video, not " + v.codec());
      videoStream = avformat_new_stream(out, null);
      AVCodecParameters par = videoStream.codecpar();
      par.codec_type(AVMEDIA_TYPE_VIDEO);
      par.codec_id(AV_CODEC_ID_H264);
      par.width(v.width());
      par.height(v.height());
      par.format(AV_PIX_FMT_YUV420P);
      par.bit_rate(v.bitrateKbps() * 1000L);
      setExtradata(par, v.decoderConfig());
      videoStream.time_base(av_make_q(1, 90_000));
      videoStream.avg_frame_rate(av_d2q(v.fps(), 100_000));
      videoStream.r_frame_rate(av_d2q(v.fps(), 100_000));
      videoFrameMicros = Math.round(1e6 / v.fps());
    }
    if (format.audio() != null) {
      StreamFormat.Audio a = format.audio();
      audioStream = avformat_new_stream(out, null);
      AVCodecParameters par = audioStream.codecpar();
      par.codec_type(AVMEDIA_TYPE_AUDIO);
      par.codec_id(AV_CODEC_ID_AAC);
      par.sample_rate(a.sampleRate());
      av_channel_layout_default(par.ch_layout(), a.channels());
      par.bit_rate(a.bitrateKbps() * 1000L);
      par.frame_size(1024);
      setExtradata(par, a.audioSpecificConfig());
      audioStream.time_base(av_make_q(1, a.sampleRate()));
    }
    AVIOContext io = new AVIOContext(null);
    Av.check(avio_open(io, file.toString(), AVIO_FLAG_WRITE), "cannot open " + file + " for writing");
    out.pb(io);
    AVDictionary options = new AVDictionary(null);
    if (container == Container.MP4) {
      av_dict_set(options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0);
      av_dict_set(options, "frag_duration", "1000000", 0);
    } else if (container == Container.MKV) {
      av_dict_set(options, "cluster_time_limit", "1000", 0);
    }
    av_dict_set(options, "flush_packets", "1", 0);
    int ret = avformat_write_header(out, options);
    av_dict_free(options);
    Av.check(ret, "cannot write the " + container + " header of " + file);
  }

  private static void setExtradata(AVCodecParameters par, byte[] data) {
    if (data == null || data.length == 0) return;
    BytePointer buf = new BytePointer(av_mallocz(data.length + AV_INPUT_BUFFER_PADDING_SIZE));
    buf.capacity(data.length + AV_INPUT_BUFFER_PADDING_SIZE).put(data);
    par.extradata(buf);
    par.extradata_size(data.length);
  }

  @Override
  public synchronized void onPacket(EncodedPacket p) {
    if (closed) return;
    if (out == null) throw new IllegalStateException("onFormat first");
    AVStream stream = p.isVideo() ? videoStream : audioStream;
    if (stream == null) return;
    Av.check(av_new_packet(packet, p.data().length), "packet");
    packet.data().put(p.data());
    AVRational tb = stream.time_base();
    packet.pts(av_rescale_q(p.ptsMicros(), MICROS, tb));
    packet.dts(av_rescale_q(p.dtsMicros(), MICROS, tb));
    packet.duration(p.isVideo() ? av_rescale_q(videoFrameMicros, MICROS, tb) : 1024L * tb.den() / 48_000 / Math.max(1, tb.num()));
    packet.stream_index(stream.index());
    if (p.keyframe()) packet.flags(packet.flags() | AV_PKT_FLAG_KEY);
    Av.check(av_interleaved_write_frame(out, packet), "writing " + file);
    packets++;
  }

  /** Finishes the file; an MP4 is remuxed to a regular, faststart one that replaces the fragmented file. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      if (out != null) {
        Av.check(av_write_trailer(out), "finishing " + file);
        avio_closep(out.pb());
        avformat_free_context(out);
        out = null;
        if (container == Container.MP4 && packets > 0) {
          Path tmp = file.resolveSibling(file.getFileName() + ".faststart.tmp");
          Remux.toFaststartMp4(file, tmp);
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (IOException e) {
      LOG.warn("recording {} stays fragmented: {}", file, e.toString());
    } finally {
      if (out != null) {
        avio_closep(out.pb());
        avformat_free_context(out);
        out = null;
      }
      av_packet_free(packet);
    }
  }
}
