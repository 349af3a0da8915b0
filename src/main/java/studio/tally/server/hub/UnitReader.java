package studio.tally.server.hub;

import io.netty.util.concurrent.EventExecutor;

/**
 * A reader of a stream in the neutral form (tracks and access units), for protocols that do not
 * speak FLV (the RTMP -&gt; WebRTC bridge). It joins like any player: the current configs first, then
 * the cached GOP, then live units; every call happens on {@link #executor()}, one at a time.
 * FLV players never pay for it: the FLV tags are mapped to units only for readers, on their loop.
 */
public interface UnitReader {

  EventExecutor executor();

  /** A track's configuration arrived or changed (sequence header); units of it follow. */
  void onTrack(MediaTrack track);

  /** One access unit (payload lent for this call). */
  void onUnit(AccessUnit unit);

  /** The stream ended for this reader. */
  void onEnd(Subscriber.EndReason reason);
}
