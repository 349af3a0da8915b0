package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.rtp.H264Depacketizer;
import studio.tally.proto.rtp.JitterBuffer;
import studio.tally.proto.rtp.RtpException;

/**
 * A WebRTC publisher's H.264 RTP in arrival order -> whole access units in decode order: a jitter
 * buffer puts packets back in sequence (waiting {@link #VIDEO_WAIT_MICROS} for a NACKed one),
 * {@link H264Depacketizer} turns payloads into NAL units, and the units sharing an RTP timestamp
 * (ended by the marker bit or the next timestamp) make one access unit. A unit that lost a packet is
 * dropped, and so is everything after it until a keyframe: {@link #waitingForKeyframe()} tells the
 * caller to ask for one (PLI). Not thread-safe: one bridge thread.
 */
final class RtpToAccessUnits implements AutoCloseable {
  static final int VIDEO_WINDOW = 512;
  static final long VIDEO_WAIT_MICROS = 200_000;

  /** One RTP packet as the bridge keeps it (payload copied, padding removed). */
  record Packet(int ssrc, int sequence, long timestamp, boolean marker, byte[] payload, long arrivalMicros) {}

  /** NAL units of one picture, decode order; {@code keyframe} when it holds an IDR slice. */
  record AccessUnit(long rtpTimestamp, long arrivalMicros, List<byte[]> nals, boolean keyframe) {}

  private final JitterBuffer<Packet> jitter = new JitterBuffer<>(VIDEO_WINDOW, VIDEO_WAIT_MICROS);
  private final H264Depacketizer depacketizer;
  private final List<ByteBuf> scratch = new ArrayList<>();
  private List<byte[]> nals = new ArrayList<>();
  private long unitTimestamp = -1;
  private long unitArrival;
  private boolean unitBroken;
  private boolean waitingForKeyframe = true;
  private int ssrc;
  private boolean ssrcKnown;
  private long dropped;
  private long malformed;
  private long restarts;

  RtpToAccessUnits(ByteBufAllocator alloc) {
    this.depacketizer = new H264Depacketizer(alloc);
  }

  /**
   * Takes one packet; complete access units go to {@code out}. Returns true when the sequence jumped
   * (a new SSRC, or a jump the jitter buffer could not bridge): the caller restarts the track's clock.
   */
  boolean push(Packet p, long nowMicros, List<AccessUnit> out) {
    boolean restarted = false;
    if (ssrcKnown && p.ssrc() != ssrc) {
      jitter.clear(x -> { });
      restarted = true;
    }
    ssrc = p.ssrc();
    ssrcKnown = true;
    JitterBuffer.Arrival a = jitter.push(p.sequence(), p, nowMicros);
    if (a == JitterBuffer.Arrival.RESET) restarted = true;
    if (restarted) restarts++;
    release(nowMicros, out);
    return restarted;
  }

  /** Lets go of what the jitter buffer may release at {@code nowMicros} (call it on a timer too). */
  void release(long nowMicros, List<AccessUnit> out) {
    jitter.release(nowMicros, r -> onPacket(r.item(), r.afterLoss(), out));
  }

  /** Starts over at the next keyframe (a reader came back after a pause). */
  void restart() {
    jitter.clear(x -> { });
    nals = new ArrayList<>();
    unitTimestamp = -1;
    unitBroken = false;
    waitingForKeyframe = true;
  }

  boolean waitingForKeyframe() {
    return waitingForKeyframe;
  }

  /** Access units dropped (lost a packet, or came before the first keyframe after a loss). */
  long dropped() {
    return dropped;
  }

  /** Payloads the depacketizer refused. */
  long malformed() {
    return malformed;
  }

  /** Sequence jumps and SSRC changes. */
  long restarts() {
    return restarts;
  }

  JitterBuffer<Packet> jitter() {
    return jitter;
  }

  private void onPacket(Packet p, boolean afterLoss, List<AccessUnit> out) {
    if (afterLoss) {
      // the lost packets ended the unit being built or began this one: both are incomplete
      unitBroken = true;
      waitingForKeyframe = true;
    }
    if (unitTimestamp >= 0 && p.timestamp() != unitTimestamp) {
      finish(out);
      unitBroken = afterLoss;
    }
    if (unitTimestamp < 0) {
      unitTimestamp = p.timestamp();
      unitArrival = p.arrivalMicros();
    }
    try {
      depacketizer.depacketize(Unpooled.wrappedBuffer(p.payload()), p.sequence(), scratch);
      for (ByteBuf nal : scratch) {
        byte[] b = new byte[nal.readableBytes()];
        nal.getBytes(nal.readerIndex(), b);
        nals.add(b);
      }
    } catch (RtpException e) {
      malformed++;
      unitBroken = true;
    } finally {
      scratch.forEach(ByteBuf::release);
      scratch.clear();
    }
    if (p.marker()) finish(out);
  }

  private void finish(List<AccessUnit> out) {
    List<byte[]> unit = nals;
    long ts = unitTimestamp;
    boolean broken = unitBroken;
    nals = new ArrayList<>();
    unitTimestamp = -1;
    unitBroken = false;
    if (broken) waitingForKeyframe = true;
    if (unit.isEmpty()) return;
    boolean idr = false;
    for (byte[] nal : unit) {
      if (nal.length > 0 && NalUnits.type(nal[0]) == NalUnits.IDR_SLICE) idr = true;
    }
    if (broken || (waitingForKeyframe && !idr)) {
      dropped++;
      return;
    }
    waitingForKeyframe = false;
    out.add(new AccessUnit(ts, unitArrival, unit, idr));
  }

  @Override
  public void close() {
    jitter.clear(x -> { });
    depacketizer.close();
  }
}
