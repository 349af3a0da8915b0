package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.rtp.JitterBuffer;

/**
 * One WebRTC publisher session -> FLV tags: H.264 access units ({@link RtpToAccessUnits}) become
 * AVCC video tags after a sequence header made from the in-band SPS/PPS; Opus packets (through their
 * own small reorder buffer) go through an {@link AudioTranscoder} to AAC and become AAC audio tags
 * after the AudioSpecificConfig header. Times come from {@link RtcTimeline} (arrival first, Sender
 * Reports once they come), and each track's FLV time never goes backwards. Audio that an SR
 * correction put behind what was already sent is dropped (a few ms once) rather than sent late.
 *
 * <p>Everything runs on one bridge thread; {@link Output} receives the tags there.
 */
final class RtcToFlvBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtcToFlvBridge.class);
  static final int AUDIO_WINDOW = 64;
  /** Audio is not retransmitted: wait only for reordering. */
  static final long AUDIO_WAIT_MICROS = 40_000;
  /** While waiting for a keyframe, a PLI at most this often. */
  static final long PLI_INTERVAL_MICROS = 500_000;
  private static final int AAC_HEADER = 0xAF; // AAC, 44 kHz flag, 16-bit, stereo (FLV: fixed for AAC)
  private static final int AVC_KEY = 0x17;
  private static final int AVC_INTER = 0x27;

  /** Where the FLV tag bodies go (ownership of {@code body} passes). */
  interface Output {
    void video(long timestampMs, ByteBuf body);

    void audio(long timestampMs, ByteBuf body);
  }

  /** Counters of one bridge, read from anywhere. */
  static final class Counters {
    final LongAdder videoFrames = new LongAdder();
    final LongAdder audioFrames = new LongAdder();
    final LongAdder keyframeRequests = new LongAdder();
    final LongAdder undecodableAudio = new LongAdder();
    final LongAdder audioRealigned = new LongAdder();
    final LongAdder wildSenderReports = new LongAdder();
    final LongAdder sequenceResets = new LongAdder();
  }

  private final ByteBufAllocator alloc;
  private final AudioTranscoderFactory transcoders;
  private final Runnable requestKeyframe;
  private final Output out;
  private final Counters counters;
  private final RtcTimeline timeline = new RtcTimeline();
  private final RtcTimeline.Track videoClock = timeline.track(90_000, true);
  private final RtcTimeline.Track audioClock = timeline.track(48_000, false);
  private final RtpToAccessUnits video;
  private final JitterBuffer<RtpToAccessUnits.Packet> audioJitter = new JitterBuffer<>(AUDIO_WINDOW, AUDIO_WAIT_MICROS);
  private final List<RtpToAccessUnits.AccessUnit> units = new ArrayList<>();
  private AudioTranscoder transcoder;
  private boolean audioFailed;
  private int audioSsrc;
  private boolean audioSsrcKnown;
  private long audioNextMicros = Long.MIN_VALUE;
  private long lastPli = Long.MIN_VALUE;
  private byte[] sps;
  private byte[] pps;
  private long lastVideoMs = -1;
  private long lastVideoRtp = -1;
  private long lastAudioMs = -1;

  RtcToFlvBridge(ByteBufAllocator alloc, AudioTranscoderFactory transcoders, Runnable requestKeyframe, Output out,
      Counters counters) {
    this.alloc = alloc;
    this.transcoders = transcoders;
    this.requestKeyframe = requestKeyframe;
    this.out = out;
    this.counters = counters;
    this.video = new RtpToAccessUnits(alloc);
  }

  void onVideo(RtpToAccessUnits.Packet p, long nowMicros) {
    if (video.push(p, nowMicros, units)) {
      counters.sequenceResets.increment();
      videoClock.restart();
    }
    drainVideo(nowMicros);
  }

  void onAudio(RtpToAccessUnits.Packet p, long nowMicros) {
    boolean restart = audioSsrcKnown && p.ssrc() != audioSsrc;
    if (restart) audioJitter.clear(x -> { });
    audioSsrc = p.ssrc();
    audioSsrcKnown = true;
    if (audioJitter.push(p.sequence(), p, nowMicros) == JitterBuffer.Arrival.RESET || restart) {
      counters.sequenceResets.increment();
      audioClock.restart();
    }
    audioJitter.release(nowMicros, r -> audio(r.item()));
  }

  /** A Sender Report of the video (true) or audio track. */
  void onSenderReport(boolean isVideo, long ntp64, long rtp) {
    long before = timeline.wildReports();
    (isVideo ? videoClock : audioClock).senderReport(ntp64, rtp);
    if (timeline.wildReports() > before) {
      counters.wildSenderReports.increment();
      log.debug("skipped a Sender Report with a wild NTP time ({} so far)", timeline.wildReports());
    }
  }

  /** Timer: releases packets whose holes timed out, and asks for a keyframe while one is awaited. */
  void tick(long nowMicros) {
    video.release(nowMicros, units);
    drainVideo(nowMicros);
    audioJitter.release(nowMicros, r -> audio(r.item()));
  }

  /** A reader is back after none was: start again at the next keyframe, asked for now. */
  void restart(long nowMicros) {
    video.restart();
    audioJitter.clear(x -> { });
    lastPli = Long.MIN_VALUE;
    askForKeyframe(nowMicros);
  }

  /** Asks the publisher for a keyframe (a new FLV player, or a loss), at most every {@link #PLI_INTERVAL_MICROS}. */
  void askForKeyframe(long nowMicros) {
    if (lastPli != Long.MIN_VALUE && nowMicros - lastPli < PLI_INTERVAL_MICROS) return;
    lastPli = nowMicros;
    counters.keyframeRequests.increment();
    requestKeyframe.run();
  }

  RtpToAccessUnits video() {
    return video;
  }

  private void drainVideo(long nowMicros) {
    for (RtpToAccessUnits.AccessUnit au : units) videoTag(au);
    units.clear();
    if (video.waitingForKeyframe()) askForKeyframe(nowMicros);
  }

  private void videoTag(RtpToAccessUnits.AccessUnit au) {
    byte[] newSps = null;
    byte[] newPps = null;
    int size = 0;
    for (byte[] nal : au.nals()) {
      if (nal.length == 0) continue;
      int type = NalUnits.type(nal[0]);
      if (type == NalUnits.SPS) newSps = nal;
      else if (type == NalUnits.PPS) newPps = nal;
      else if (type != NalUnits.AUD) size += 4 + nal.length;
    }
    // strictly increasing: FLV muxers refuse two frames of a track at the same time
    long mapped = videoClock.map(au.rtpTimestamp(), au.arrivalMicros()) / 1000;
    // never back, and after a step back keep 90 % of the frames' own spacing until the clock catches up
    long step = lastVideoRtp < 0 ? 1 : Math.clamp((int) (au.rtpTimestamp() - lastVideoRtp) / 100, 1, 1000); // 0.9 x 90 kHz ticks, in ms
    long ms = lastVideoMs < 0 ? Math.max(0, mapped) : Math.max(lastVideoMs + step, mapped);
    lastVideoRtp = au.rtpTimestamp();
    if (newSps != null && newPps != null && (!Arrays.equals(newSps, sps) || !Arrays.equals(newPps, pps))) {
      sps = newSps;
      pps = newPps;
      ByteBuf header = alloc.buffer(64 + sps.length + pps.length);
      header.writeByte(AVC_KEY).writeByte(0).writeMedium(0);
      AvcDecoderConfigurationRecord.of(sps, pps).write(header);
      out.video(ms, header);
    }
    if (sps == null || size == 0) return; // no decoder config yet: nothing a player could decode
    ByteBuf body = alloc.buffer(5 + size);
    body.writeByte(au.keyframe() ? AVC_KEY : AVC_INTER).writeByte(1).writeMedium(0); // coded frame, cts 0
    for (byte[] nal : au.nals()) {
      if (nal.length == 0) continue;
      int type = NalUnits.type(nal[0]);
      if (type == NalUnits.SPS || type == NalUnits.PPS || type == NalUnits.AUD) continue;
      body.writeInt(nal.length).writeBytes(nal);
    }
    lastVideoMs = ms;
    counters.videoFrames.increment();
    out.video(lastVideoMs, body);
  }

  private void audio(RtpToAccessUnits.Packet p) {
    if (audioFailed || p.payload().length == 0) return;
    long micros = audioClock.map(p.timestamp(), p.arrivalMicros());
    if (audioNextMicros != Long.MIN_VALUE && micros < audioNextMicros - 30_000) {
      counters.audioRealigned.increment(); // a Sender Report moved audio back: skip what would be late
      return;
    }
    audioNextMicros = micros + 20_000;
    if (transcoder == null && !openTranscoder(micros)) return;
    List<AudioUnit> aac;
    try {
      aac = transcoder.transcode(new AudioUnit(p.payload(), micros));
    } catch (TranscodeException e) {
      counters.undecodableAudio.increment();
      log.debug("skipped an Opus packet: {}", e.getMessage());
      return;
    }
    for (AudioUnit u : aac) {
      long ms = Math.max(lastAudioMs + 1, u.ptsMicros() / 1000);
      ByteBuf body = alloc.buffer(2 + u.data().length);
      body.writeByte(AAC_HEADER).writeByte(1).writeBytes(u.data());
      lastAudioMs = ms;
      counters.audioFrames.increment();
      out.audio(ms, body);
    }
  }

  private boolean openTranscoder(long firstMicros) {
    if (transcoders == null) {
      audioFailed = true;
      log.info("WebRTC -> FLV: no audio transcoder in this server, FLV/RTMP players get video only");
      return false;
    }
    try {
      transcoder = transcoders.open(AudioFormat.opus(), new AudioFormat(AudioCodecId.AAC, 48_000, 2, null));
    } catch (TranscodeException | RuntimeException e) {
      audioFailed = true;
      log.warn("WebRTC -> FLV: no audio, the Opus -> AAC transcoder did not open: {}", e.getMessage());
      return false;
    }
    byte[] config = transcoder.output().config();
    ByteBuf header = alloc.buffer(2 + config.length);
    header.writeByte(AAC_HEADER).writeByte(0).writeBytes(config);
    out.audio(Math.max(0, Math.max(lastAudioMs, firstMicros / 1000)), header);
    return true;
  }

  @Override
  public void close() {
    video.close();
    audioJitter.clear(x -> { });
    if (transcoder != null) transcoder.close();
    transcoder = null;
  }
}
