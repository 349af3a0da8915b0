package studio.tally.media.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import studio.tally.media.Av;
import studio.tally.proto.aac.AacException;
import studio.tally.proto.aac.AudioSpecificConfig;
import studio.tally.server.bridge.AudioCodecId;
import studio.tally.server.bridge.AudioFormat;
import studio.tally.server.bridge.AudioTranscoder;
import studio.tally.server.bridge.AudioUnit;
import studio.tally.server.bridge.TranscodeException;

/**
 * One stream's audio through FFmpeg: decoder (AAC opened from its AudioSpecificConfig, Opus) ->
 * swresample to the encoder's rate, layout and sample format -> an audio FIFO that cuts the encoder's
 * frames (1024 samples for AAC, 960 = 20 ms for Opus) -> encoder (aac; libopus, else FFmpeg's opus).
 *
 * <p>Timestamps: output time is the first input unit's time plus the samples queued since, so it
 * continues the input timeline and never goes backwards. A hole in the input (a lost RTP packet: the
 * next unit starts later than the samples so far reach) of up to {@link #MAX_FILLED_GAP_MICROS} is
 * filled with silence so the audio stays aligned with the video; a longer one moves the timeline on
 * without silence. An input that steps back is counted on from the samples (never backwards).
 */
final class FfmpegAudioTranscoder implements AudioTranscoder {
  private static final AVRational MICROS = av_make_q(1, 1_000_000);
  /** Input holes shorter than this are not filled (FLV's millisecond rounding, resampler delay). */
  private static final long MIN_FILLED_GAP_MICROS = 15_000;
  static final long MAX_FILLED_GAP_MICROS = 1_000_000;

  private final AudioCodecId inputCodec;
  /** The output format with the encoder's config (AudioSpecificConfig for AAC). */
  private final AudioFormat output;
  private final int outFormat;
  private final int frameSize;
  private AVCodecContext decoder;
  private AVCodecContext encoder;
  private SwrContext swr;
  private AVAudioFifo fifo;
  private AVPacket inPacket;
  private AVPacket outPacket;
  private AVFrame decoded;
  private AVFrame converted;
  private AVFrame toEncode;
  private AVFrame silence;

  /** Input time (µs) of output sample 0; NOPTS until the first decoded frame. */
  private long basePts = AV_NOPTS_VALUE;
  /** Output-rate samples written into the FIFO since the base (silence included). */
  private long samplesQueued;
  /** Output-rate samples handed to the encoder (its pts, in 1/rate). */
  private long samplesEncoded;
  private long lastOutPts = Long.MIN_VALUE;

  private FfmpegAudioTranscoder(AudioCodecId inputCodec, AudioFormat output, int outFormat, int frameSize) {
    this.inputCodec = inputCodec;
    this.output = output;
    this.outFormat = outFormat;
    this.frameSize = frameSize;
  }

  static FfmpegAudioTranscoder open(AudioFormat input, AudioFormat output) throws TranscodeException {
    Av.loadCodecs();
    Loader.load(org.bytedeco.ffmpeg.global.swresample.class);
    if (output.codec() == AudioCodecId.OPUS && output.sampleRate() != 48_000) {
      throw new TranscodeException("Opus output must be 48000 Hz, not " + output.sampleRate());
    }
    if (output.channels() > 2) throw new TranscodeException("at most 2 output channels, not " + output.channels());
    AVCodecContext dec = openDecoder(input);
    AVCodecContext enc;
    try {
      enc = openEncoder(output);
    } catch (TranscodeException e) {
      avcodec_free_context(dec);
      throw e;
    }
    int frameSize = enc.frame_size() > 0 ? enc.frame_size() : output.codec() == AudioCodecId.OPUS ? 960 : 1024;
    FfmpegAudioTranscoder t = new FfmpegAudioTranscoder(input.codec(), withConfig(output, enc), enc.sample_fmt(), frameSize);
    t.decoder = dec;
    t.encoder = enc;
    t.allocate();
    return t;
  }

  /** The output format with the encoder's config (AudioSpecificConfig for AAC). */
  private static AudioFormat withConfig(AudioFormat output, AVCodecContext enc) {
    byte[] config = new byte[0];
    if (output.codec() == AudioCodecId.AAC && enc.extradata_size() > 0) {
      config = new byte[enc.extradata_size()];
      enc.extradata().get(config);
    }
    return new AudioFormat(output.codec(), output.sampleRate(), output.channels(), config);
  }

  private void allocate() {
    swr = swr_alloc();
    fifo = av_audio_fifo_alloc(outFormat, output.channels(), 4 * frameSize);
    inPacket = av_packet_alloc();
    outPacket = av_packet_alloc();
    decoded = av_frame_alloc();
    converted = av_frame_alloc();
    toEncode = outputFrame(frameSize);
    if (swr == null || fifo == null || toEncode == null) {
      close();
      throw new IllegalStateException("out of memory opening the " + inputCodec + " transcoder");
    }
  }

  private AVFrame outputFrame(int samples) {
    AVFrame f = av_frame_alloc();
    f.format(outFormat);
    f.sample_rate(output.sampleRate());
    av_channel_layout_default(f.ch_layout(), output.channels());
    f.nb_samples(samples);
    Av.check(av_frame_get_buffer(f, 0), "transcoder frame");
    return f;
  }

  private static AVCodecContext openDecoder(AudioFormat in) throws TranscodeException {
    int id = codecId(in.codec());
    byte[] config = in.config();
    if (in.codec() == AudioCodecId.AAC) {
      if (config.length == 0) throw new TranscodeException("AAC input needs its AudioSpecificConfig");
      try {
        AudioSpecificConfig.parse(config);
      } catch (AacException e) {
        throw new TranscodeException("bad AAC AudioSpecificConfig: " + e.getMessage(), e);
      }
    }
    AVCodec codec = avcodec_find_decoder(id);
    if (codec == null) throw new TranscodeException("this FFmpeg build has no " + in.codec() + " decoder");
    AVCodecContext ctx = avcodec_alloc_context3(codec);
    if (config.length > 0) {
      BytePointer extradata = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
      extradata.capacity(config.length).put(config);
      ctx.extradata(extradata);
      ctx.extradata_size(config.length);
    }
    ctx.sample_rate(in.sampleRate());
    av_channel_layout_default(ctx.ch_layout(), in.channels());
    ctx.pkt_timebase(MICROS);
    int r = avcodec_open2(ctx, codec, (AVDictionary) null);
    if (r < 0) {
      avcodec_free_context(ctx);
      throw new TranscodeException("cannot open the " + in.codec() + " decoder from its " + config.length
          + "-byte config: " + Av.error(r));
    }
    return ctx;
  }

  private static AVCodecContext openEncoder(AudioFormat out) throws TranscodeException {
    AVCodec codec;
    int sampleFormat;
    if (out.codec() == AudioCodecId.OPUS) {
      codec = avcodec_find_encoder_by_name("libopus");
      sampleFormat = AV_SAMPLE_FMT_FLT;
      if (codec == null) {
        codec = avcodec_find_encoder_by_name("opus");
        sampleFormat = AV_SAMPLE_FMT_FLTP;
      }
    } else {
      codec = avcodec_find_encoder_by_name("aac");
      sampleFormat = AV_SAMPLE_FMT_FLTP;
    }
    if (codec == null) throw new TranscodeException("this FFmpeg build has no " + out.codec() + " encoder");
    AVCodecContext ctx = avcodec_alloc_context3(codec);
    ctx.sample_rate(out.sampleRate());
    ctx.sample_fmt(sampleFormat);
    av_channel_layout_default(ctx.ch_layout(), out.channels());
    ctx.bit_rate(out.channels() * (out.codec() == AudioCodecId.OPUS ? 32_000L : 64_000L));
    ctx.time_base(av_make_q(1, out.sampleRate()));
    ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
    ctx.strict_std_compliance(FF_COMPLIANCE_EXPERIMENTAL); // FFmpeg's own opus encoder is marked experimental
    int r = avcodec_open2(ctx, codec, (AVDictionary) null);
    if (r < 0) {
      avcodec_free_context(ctx);
      throw new TranscodeException("cannot open the " + codec.name().getString() + " encoder at "
          + out.sampleRate() + " Hz, " + out.channels() + " channels: " + Av.error(r));
    }
    return ctx;
  }

  private static int codecId(AudioCodecId codec) {
    return switch (codec) {
      case AAC -> AV_CODEC_ID_AAC;
      case OPUS -> AV_CODEC_ID_OPUS;
    };
  }

  @Override
  public AudioFormat output() {
    return output;
  }

  /** Samples the encoder wants per frame. */
  int frameSize() {
    return frameSize;
  }

  @Override
  public List<AudioUnit> transcode(AudioUnit unit) throws TranscodeException {
    if (decoder == null) throw new IllegalStateException("transcoder closed");
    byte[] data = unit.data();
    if (data.length == 0) throw new TranscodeException("empty " + inputCodec + " input unit");
    List<AudioUnit> out = new ArrayList<>(2);
    Av.check(av_new_packet(inPacket, data.length), "audio packet");
    inPacket.data().position(0).put(data, 0, data.length);
    inPacket.pts(unit.ptsMicros());
    inPacket.dts(unit.ptsMicros());
    int r = avcodec_send_packet(decoder, inPacket);
    av_packet_unref(inPacket);
    if (r < 0 && !Av.isAgain(r)) throw undecodable(data.length, unit.ptsMicros(), r);
    while (true) {
      r = avcodec_receive_frame(decoder, decoded);
      if (Av.isAgain(r) || Av.isEof(r)) break;
      if (r < 0) throw undecodable(data.length, unit.ptsMicros(), r);
      try {
        long pts = decoded.best_effort_timestamp();
        queue(decoded, pts == AV_NOPTS_VALUE ? unit.ptsMicros() : pts);
      } finally {
        av_frame_unref(decoded);
      }
      encodeReady(out);
    }
    return out;
  }

  private TranscodeException undecodable(int length, long pts, int code) {
    return new TranscodeException("a " + length + "-byte input unit at " + pts + " µs does not decode: " + Av.error(code));
  }

  /** Resamples one decoded frame into the FIFO, after silence for a hole before it. */
  private void queue(AVFrame frame, long ptsMicros) throws TranscodeException {
    if (basePts == AV_NOPTS_VALUE) basePts = ptsMicros;
    long expected = basePts + av_rescale(samplesQueued, 1_000_000, output.sampleRate());
    long gap = ptsMicros - expected;
    if (gap > MAX_FILLED_GAP_MICROS) {
      basePts += gap; // a long pause: move on without minutes of silence
    } else if (gap >= MIN_FILLED_GAP_MICROS) {
      writeSilence((int) av_rescale(gap, output.sampleRate(), 1_000_000));
    }
    av_frame_unref(converted);
    converted.format(outFormat);
    converted.sample_rate(output.sampleRate());
    av_channel_layout_default(converted.ch_layout(), output.channels());
    int r = swr_convert_frame(swr, converted, frame);
    if (r < 0) {
      // the decoder changed rate or layout mid-stream: reconfigure from this frame
      swr_close(swr);
      av_frame_unref(converted);
      converted.format(outFormat);
      converted.sample_rate(output.sampleRate());
      av_channel_layout_default(converted.ch_layout(), output.channels());
      r = swr_convert_frame(swr, converted, frame);
      if (r < 0) throw new TranscodeException("cannot resample " + frame.sample_rate() + " Hz, "
          + frame.ch_layout().nb_channels() + " channels: " + Av.error(r));
    }
    int n = converted.nb_samples();
    if (n > 0) {
      Av.check(av_audio_fifo_write(fifo, converted.extended_data(), n), "transcoder fifo");
      samplesQueued += n;
    }
  }

  private void writeSilence(int samples) {
    if (silence == null) {
      silence = outputFrame(frameSize);
      av_samples_set_silence(silence.extended_data(), 0, frameSize, output.channels(), outFormat);
    }
    for (int left = samples; left > 0; ) {
      int n = Math.min(left, frameSize);
      Av.check(av_audio_fifo_write(fifo, silence.extended_data(), n), "transcoder fifo");
      samplesQueued += n;
      left -= n;
    }
  }

  private void encodeReady(List<AudioUnit> out) throws TranscodeException {
    while (av_audio_fifo_size(fifo) >= frameSize) {
      Av.check(av_frame_make_writable(toEncode), "transcoder frame");
      av_audio_fifo_read(fifo, toEncode.extended_data(), frameSize);
      toEncode.nb_samples(frameSize);
      toEncode.pts(samplesEncoded);
      samplesEncoded += frameSize;
      int r = avcodec_send_frame(encoder, toEncode);
      if (r < 0) throw new TranscodeException("the " + output.codec() + " encoder refused a frame: " + Av.error(r));
      while (true) {
        r = avcodec_receive_packet(encoder, outPacket);
        if (Av.isAgain(r) || Av.isEof(r)) break;
        if (r < 0) throw new TranscodeException("the " + output.codec() + " encoder failed: " + Av.error(r));
        try {
          byte[] data = new byte[outPacket.size()];
          outPacket.data().get(data);
          long pts = basePts + av_rescale_q(outPacket.pts(), encoder.time_base(), MICROS);
          pts = Math.max(pts, lastOutPts == Long.MIN_VALUE ? pts : lastOutPts + 1);
          lastOutPts = pts;
          out.add(new AudioUnit(data, pts));
        } finally {
          av_packet_unref(outPacket);
        }
      }
    }
  }

  @Override
  public void close() {
    if (decoder != null) avcodec_free_context(decoder);
    if (encoder != null) avcodec_free_context(encoder);
    decoder = null;
    encoder = null;
    if (swr != null) swr_free(swr);
    swr = null;
    if (fifo != null) av_audio_fifo_free(fifo);
    fifo = null;
    if (inPacket != null) av_packet_free(inPacket);
    if (outPacket != null) av_packet_free(outPacket);
    inPacket = null;
    outPacket = null;
    for (AVFrame f : new AVFrame[] {decoded, converted, toEncode, silence}) {
      if (f != null) av_frame_free(f);
    }
    decoded = converted = toEncode = silence = null;
  }
}
