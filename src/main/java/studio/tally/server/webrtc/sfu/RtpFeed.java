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
 * The video packets sent lately are kept in a {@link PacketCache} so the players' NACKs are answered
 * ({@link #retransmit}, RTX where the player negotiated it), as for a WebRTC publisher.
 */
public final class RtpFeed implements AutoCloseable {
  private static final io.netty.buffer.ByteBufAllocator ALLOC = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
  private final RtcStream stream;
  private final RtpSource source;
  /** Video packets sent lately, by their sequence number; on the source's thread, made with the first. */
  private PacketCache videoCache;
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
      if (videoCache == null) {
        videoCache = PacketCache.withDefaults(ALLOC);
      }
      videoCache.put(packet, packet.readerIndex(), packet.readableBytes(), p.sequence(),
          RtcPublisherSession.micros(now));
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

  /**
   * Sends the video packets a player NACKed again (its own sequence numbers, as {@link
   * RtpSource#retransmit} got them) from the packets sent lately. On the source's thread, like {@link #send}.
   */
  public void retransmit(RtcSubscriberSession subscriber, int[] sentSequences, Instant now) {
    if (!closed && videoCache != null) {
      subscriber.retransmit(sentSequences, videoCache, RtcPublisherSession.micros(now));
    }
  }

  /** The source stops: players wait the registry's grace for another one. On the source's thread. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (videoCache != null) {
        videoCache.close();
      }
      stream.publisherLeft(source);
    }
  }
}
