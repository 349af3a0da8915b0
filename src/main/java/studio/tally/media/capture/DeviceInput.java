package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import studio.tally.media.Av;
import studio.tally.media.FfmpegLog;
import studio.tally.media.MediaException;

/**
 * One capture device opened with libavdevice (x11grab, v4l2, pulse, alsa, gdigrab, dshow,
 * avfoundation) and its decoder, read on a thread of its own; every decoded frame goes to a
 * consumer, which takes the frame's reference. Frames keep the device's native pixel/sample format.
 */
final class DeviceInput implements AutoCloseable {
  private final String label;
  private AVFormatContext input;
  private AVCodecContext decoder;
  private int streamIndex = -1;
  private Thread reader;
  private volatile boolean running = true;
  private volatile String error;

  private DeviceInput(String label) {
    this.label = label;
  }

  /** Opens format/url with options for the first stream of mediaType; throws with FFmpeg's reason. */
  static DeviceInput open(String format, String url, Map<String, String> options, int mediaType) {
    Av.load();
    String label = format + " '" + url + "'";
    AVInputFormat inputFormat = av_find_input_format(format);
    if (inputFormat == null) throw new MediaException("unknown device type '" + format + "': this FFmpeg build has no such input device");
    var device = new DeviceInput(label);
    var result = FfmpegLog.capture(() -> {
      try {
        device.openNow(inputFormat, url, options, mediaType);
        return null;
      } catch (MediaException e) {
        return e;
      }
    });
    if (result.result() != null) {
      device.close();
      String log = result.lines().isEmpty() ? "" : " (" + String.join("; ", result.lines()) + ")";
      throw new MediaException(result.result().getMessage() + log, result.result());
    }
    return device;
  }

  private void openNow(AVInputFormat inputFormat, String url, Map<String, String> options, int mediaType) {
    input = new AVFormatContext(null);
    AVDictionary dict = new AVDictionary(null);
    options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
    int ret = avformat_open_input(input, url, inputFormat, dict);
    av_dict_free(dict);
    if (ret < 0) {
      input = null;
      throw new MediaException("cannot open " + label + ": " + Av.error(ret));
    }
    Av.check(avformat_find_stream_info(input, (AVDictionary) null), "cannot read the streams of " + label);
    for (int i = 0; i < input.nb_streams(); i++) {
      if (input.streams(i).codecpar().codec_type() == mediaType) {
        streamIndex = i;
        break;
      }
    }
    if (streamIndex < 0) throw new MediaException(label + " has no " + av_get_media_type_string(mediaType).getString() + " stream");
    var par = input.streams(streamIndex).codecpar();
    AVCodec codec = avcodec_find_decoder(par.codec_id());
    if (codec == null) throw new MediaException("no decoder for what " + label + " delivers (codec id " + par.codec_id() + ")");
    decoder = avcodec_alloc_context3(codec);
    Av.check(avcodec_parameters_to_context(decoder, par), "decoder parameters for " + label);
    decoder.pkt_timebase(input.streams(streamIndex).time_base());
    Av.check(avcodec_open2(decoder, codec, (AVDictionary) null), "cannot open the decoder for " + label);
  }

  AVCodecContext decoder() {
    return decoder;
  }

  String label() {
    return label;
  }

  /** The reason the reader stopped, or null while it runs fine. */
  String error() {
    return error;
  }

  /** Starts reading on a daemon thread; decoded frames go to sink (which takes their reference). */
  void start(Consumer<AVFrame> sink) {
    reader = Thread.ofPlatform().name("tally-capture " + label).daemon().start(() -> readLoop(sink));
  }

  private void readLoop(Consumer<AVFrame> sink) {
    AVPacket packet = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try {
      while (running) {
        int ret = av_read_frame(input, packet);
        if (Av.isAgain(ret)) {
          Thread.sleep(2);
          continue;
        }
        if (ret < 0) {
          error = "capture from " + label + " ended: " + Av.error(ret);
          return;
        }
        if (packet.stream_index() == streamIndex) {
          ret = avcodec_send_packet(decoder, packet);
          av_packet_unref(packet);
          if (ret < 0 && !Av.isAgain(ret)) continue; // a damaged packet: skip it
          while (avcodec_receive_frame(decoder, frame) >= 0) {
            AVFrame out = av_frame_alloc();
            av_frame_move_ref(out, frame);
            sink.accept(out);
          }
        } else {
          av_packet_unref(packet);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      error = "capture from " + label + " failed: " + e.getMessage();
    } finally {
      av_frame_free(frame);
      av_packet_free(packet);
    }
  }

  /** Asks the reader to stop at its next packet, without waiting (close() waits). */
  void stop() {
    running = false;
  }

  @Override
  public void close() {
    running = false;
    if (reader != null) {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // a reader still blocked inside av_read_frame (a suspended PulseAudio source never returns) would
      // touch freed contexts: leave them to it. One leaked device beats a crashed studio.
      if (reader.isAlive()) return;
    }
    if (decoder != null) {
      avcodec_free_context(decoder);
      decoder = null;
    }
    if (input != null) {
      avformat_close_input(input);
      input = null;
    }
  }
}
