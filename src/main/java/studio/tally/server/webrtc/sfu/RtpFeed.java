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
 * Calls come from one thread at a time (the source's own); close it when the source stops.
 */
public final class RtpFeed implements AutoCloseable {
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
    for (RtcSubscriberSession s : stream.subscribers()) {
      s.forward(kind, packet, p, keyframeStart, now);
    }
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
    java.util.List<RtcSubscriberSession> waiting = new java.util.ArrayList<>();
    for (RtcSubscriberSession s : stream.subscribers()) {
      if (s.waitingForKeyframe()) {
        waiting.add(s);
      }
    }
    if (waiting.isEmpty()) {
      return 0;
    }
    for (Packet packet : packets) {
      RtpPacket p = RtpPacket.parse(packet.bytes());
      for (RtcSubscriberSession s : waiting) {
        s.forward(packet.kind(), packet.bytes(), p, packet.keyframeStart(), now);
      }
    }
    return waiting.size();
  }

  /** Our sender report for {@code kind} (NTP time against our RTP clock), handed to every player. */
  public void senderReport(Negotiated.Kind kind, SenderReport sr, Instant now) {
    if (closed) {
      return;
    }
    for (RtcSubscriberSession s : stream.subscribers()) {
      s.onSourceReport(kind, sr, now);
    }
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
