package studio.tally.server.webrtc.sfu;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import studio.tally.server.hub.StreamKey;
import studio.tally.server.webrtc.RtcTransport;

/**
 * One WebRTC stream: at most one publisher and its subscribers. Subscribers outlive their publisher
 * for {@code publisherGrace}: a publisher coming back in that time is picked up (rebased, re-PLI'd);
 * otherwise their transports are closed ("publisher left").
 */
public final class RtcStream {
  private final StreamKey key;
  private final RtcStreamRegistry registry;
  private final Duration publisherGrace;
  private volatile RtcPublisherSession publisher;
  private final CopyOnWriteArrayList<RtcSubscriberSession> subscribers = new CopyOnWriteArrayList<>();

  RtcStream(StreamKey key, RtcStreamRegistry registry, Duration publisherGrace) {
    this.key = key;
    this.registry = registry;
    this.publisherGrace = publisherGrace;
  }

  public StreamKey key() {
    return key;
  }

  public RtcPublisherSession publisher() {
    return publisher;
  }

  public List<RtcSubscriberSession> subscribers() {
    return subscribers;
  }

  boolean anySubscriberWaitingForKeyframe() {
    for (RtcSubscriberSession s : subscribers) {
      if (s.waitingForKeyframe()) {
        return true;
      }
    }
    return false;
  }

  /** PLI to the publisher, if there is one. */
  void requestKeyframe() {
    RtcPublisherSession p = publisher;
    if (p != null) {
      RtcTransport t = p.transport();
      if (t != null) {
        t.eventLoop().execute(p::requestKeyframe);
      }
    }
  }

  synchronized boolean setPublisher(RtcPublisherSession p) {
    if (publisher != null) {
      return false;
    }
    publisher = p;
    for (RtcSubscriberSession s : subscribers) {
      s.sourceChanged();
    }
    return true;
  }

  void publisherLeft(RtcPublisherSession p) {
    synchronized (this) {
      if (publisher != p) {
        return;
      }
      publisher = null;
      for (RtcSubscriberSession s : subscribers) {
        s.sourceChanged();
        RtcTransport t = s.transport();
        if (t != null) {
          t.eventLoop().schedule(() -> {
            if (publisher == null) {
              s.close("publisher left");
            }
          }, publisherGrace.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
    registry.removeIfEmpty(this);
  }

  void subscribe(RtcSubscriberSession s) {
    subscribers.add(s);
  }

  void unsubscribe(RtcSubscriberSession s) {
    subscribers.remove(s);
    registry.removeIfEmpty(this);
  }

  synchronized boolean isEmpty() {
    return publisher == null && subscribers.isEmpty();
  }
}
