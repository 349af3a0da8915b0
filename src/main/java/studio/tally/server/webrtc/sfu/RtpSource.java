package studio.tally.server.webrtc.sfu;

import java.util.Optional;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * What feeds an {@link RtcStream}: a WebRTC publisher ({@link RtcPublisherSession}, whose packets reach
 * the players directly on its loop) or a mapper from another protocol (the RTMP -&gt; WebRTC bridge,
 * which pushes through an {@link RtpFeed}). The stream asks it only these few things.
 */
public interface RtpSource {

  /** The codec, payload type and extensions this source sends for {@code kind}; empty if it sends none. */
  Optional<Negotiated.Media> media(Negotiated.Kind kind);

  /** A player joined, lost its picture, or asked (PLI/FIR): send a keyframe as soon as possible. Any thread. */
  void keyframeWanted();

  /** A player NACKed these packets (its own sequence numbers). Any thread; a source without a cache ignores it. */
  default void retransmit(RtcSubscriberSession subscriber, int[] sentSequences) {}

  /** Where the media comes from, for the status API: {@code webrtc}, or the protocol a bridge maps from. */
  default String origin() {
    return "webrtc";
  }

  /** A bridge's own counters for the status API (name -&gt; value); empty for a WebRTC publisher. */
  default java.util.Map<String, Object> counters() {
    return java.util.Map.of();
  }

  /** The number of players changed (any thread); a source that runs only for players stops at zero. */
  default void playersChanged(int players) {}
}
