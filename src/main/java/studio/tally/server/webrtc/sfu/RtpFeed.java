package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import java.time.Instant;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * A non-WebRTC source's handle on its {@link RtcStream} (from {@link RtcStreamRegistry#attach}): it
 * pushes plain RTP packets, which reach every player through the same rewrite as a WebRTC publisher's.
 * Calls come from one thread at a time (the source's own); close it when the source stops. The source's
 * thread is no player's loop: each loop with players gets each packet once, as a task ({@link LoopPlayers}).
 */
public final class RtpFeed implements AutoCloseable {
  private static final io.netty.buffer.ByteBufAllocator ALLOC = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
  private final RtcStream stream;
  private final RtpSource source;
  private volatile boolean closed;

  RtpFeed(RtcStream stream, RtpSource source) {
    this.stream = stream;
    this.source = source;
  }

  public StreamKey key() {
    return stream.key();
  }

  public RtcStreamStats stats() {
    return stream.stats();
  }

  /** Players of the stream now (connected or still connecting). */
  public int players() {
    return stream.subscribers().size();
  }

  /** Whether a connected player still waits for a keyframe. */
  public boolean anyPlayerWaiting() {
    return stream.anySubscriberWaitingForKeyframe();
  }

  /**
   * One packet to every player ({@code packet} is not consumed). {@code keyframeStart}: a player
   * waiting for a keyframe may start here.
   */
  public void send(Negotiated.Kind kind, ByteBuf packet, boolean keyframeStart, Instant now) {
    if (closed) {
      return;
    }
    RtpPacket p = RtpPacket.parse(packet);
    stream.stats().recvBytes.add(packet.readableBytes());
    if (kind == Negotiated.Kind.VIDEO) {
      stream.stats().onVideo(packet, p, keyframeStart, source.media(kind)
          .map(m -> m.codec().name().equalsIgnoreCase("H264")).orElse(false));
    }
    LoopPlayers.fanOut(stream.loopPlayers(), ALLOC, kind, packet, p, keyframeStart, now);
  }

  /** A packet kept for {@link #replay}. */
  public record Packet(Negotiated.Kind kind, ByteBuf bytes, boolean keyframeStart) {}

  /**
   * Sends {@code packets} (not consumed) only to the players that are connected and still wait for a
   * keyframe now: a cached GOP for players that just joined, so they start at once.
   *
   * @return how many players got it
   */
  public int replay(java.util.List<Packet> packets, Instant now) {
    if (closed || packets.isEmpty()) {
      return 0;
    }
    int waiting = 0;
    for (RtcSubscriberSession s : stream.subscribers()) {
      if (s.waitingForKeyframe()) {
        waiting++;
      }
    }
    if (waiting == 0) {
      return 0;
    }
    LoopPlayers.replay(stream.loopPlayers(), ALLOC, packets, now);
    return waiting;
  }

  /** Our sender report for {@code kind} (NTP time against our RTP clock), handed to every player. */
  public void senderReport(Negotiated.Kind kind, SenderReport sr, Instant now) {
    if (closed) {
      return;
    }
    LoopPlayers.sourceReport(stream.loopPlayers(), kind, sr, now);
  }

  /** The source stops: players wait the registry's grace for another one. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      stream.publisherLeft(source);
    }
  }
}
