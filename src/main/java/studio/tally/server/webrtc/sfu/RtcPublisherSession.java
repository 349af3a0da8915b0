package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import studio.tally.proto.rtp.FullIntraRequest;
import studio.tally.proto.rtp.H264Depacketizer;
import studio.tally.proto.rtp.PictureLossIndication;
import studio.tally.proto.rtp.RtcpPacket;
import studio.tally.proto.rtp.RtpException;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.proto.rtp.Vp8PayloadDescriptor;
import studio.tally.server.webrtc.RtcTransport;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * The receiving side of one WHIP publisher: classifies its decrypted RTP by payload type (the chosen
 * audio and video codec; RTX and anything else is dropped), marks keyframe starts and hands each
 * packet to every subscriber of the stream. Asks for keyframes (PLI) when a subscriber joins and
 * every second while one still waits. Runs on the transport's event loop.
 */
public final class RtcPublisherSession implements RtcTransport.Listener {
  private static final Logger log = LoggerFactory.getLogger(RtcPublisherSession.class);
  /** Our SSRC as the sender of feedback (a receive-only session sends no media). */
  private static final int FEEDBACK_SSRC = 1;

  private final RtcStream stream;
  private final Negotiated negotiated;
  private final InstantSource clock;
  private final Runnable onEnded;
  private final int audioPt;
  private final int videoPt;
  private final boolean vp8;
  private final boolean h264;
  private final PublisherSsrcs ssrcs;
  private volatile RtcTransport transport;
  private volatile int videoSsrc;
  private volatile boolean videoSsrcKnown;
  private int audioSsrc;
  private ScheduledFuture<?> keyframeTimer;

  RtcPublisherSession(RtcStream stream, Negotiated negotiated, InstantSource clock, Runnable onEnded) {
    this.stream = stream;
    this.negotiated = negotiated;
    this.clock = clock;
    this.onEnded = onEnded;
    this.audioPt = negotiated.audio().map(m -> m.codec().payloadType()).orElse(-1);
    this.videoPt = negotiated.video().map(m -> m.codec().payloadType()).orElse(-1);
    this.vp8 = negotiated.video().map(m -> m.codec().name().equalsIgnoreCase("VP8")).orElse(false);
    this.h264 = negotiated.video().map(m -> m.codec().name().equalsIgnoreCase("H264")).orElse(false);
    this.ssrcs = new PublisherSsrcs(negotiated);
    negotiated.video().flatMap(m -> m.remoteSsrcs().stream().findFirst()).ifPresent(s -> {
      videoSsrc = (int) s.ssrc();
      videoSsrcKnown = true;
    });
  }

  public Negotiated negotiated() {
    return negotiated;
  }

  public RtcTransport transport() {
    return transport;
  }

  /** Called once, right after the transport is created. */
  public void attach(RtcTransport t) {
    this.transport = t;
  }

  /** Forgets a session whose transport could not be created. */
  public void abandon() {
    stream.publisherLeft(this);
  }

  /** Sends a PLI for the video track now (from any thread; dropped before DTLS is up). */
  public void requestKeyframe() {
    RtcTransport t = transport;
    if (t == null || videoPt < 0 || !videoSsrcKnown || t.state() != RtcTransport.State.CONNECTED) {
      return;
    }
    ByteBuf pli = io.netty.buffer.Unpooled.buffer(12);
    new PictureLossIndication(FEEDBACK_SSRC, videoSsrc).write(pli);
    try {
      t.sendRtcp(pli);
    } finally {
      pli.release();
    }
  }

  @Override
  public void onConnected(RtcTransport t) {
    log.info("rtc publisher {} connected for {}", t, stream.key());
    keyframeTimer = t.eventLoop().scheduleAtFixedRate(() -> {
      if (stream.anySubscriberWaitingForKeyframe()) {
        requestKeyframe();
      }
    }, 1, 1, TimeUnit.SECONDS);
    requestKeyframe();
  }

  @Override
  public void onRtp(RtcTransport t, ByteBuf packet) {
    RtpPacket p;
    try {
      p = RtpPacket.parse(packet);
    } catch (RtpException e) {
      return;
    }
    if (!ssrcs.accept(p)) {
      stream.stats().unknownSsrc.increment();
      return;
    }
    Negotiated.Kind kind;
    boolean keyframe = false;
    if (p.payloadType() == videoPt) {
      kind = Negotiated.Kind.VIDEO;
      if (!videoSsrcKnown || videoSsrc != p.ssrc()) {
        videoSsrc = p.ssrc();
        videoSsrcKnown = true;
      }
      ByteBuf payload = packet.slice(packet.readerIndex() + p.payloadOffset(), p.payloadLength());
      keyframe = isKeyframeStart(payload);
      stream.stats().onVideo(packet, p, keyframe, h264);
    } else if (p.payloadType() == audioPt) {
      kind = Negotiated.Kind.AUDIO;
      audioSsrc = p.ssrc();
    } else {
      return; // RTX, RED, FEC: not forwarded (no NACK/RTX yet)
    }
    Instant now = clock.instant();
    for (RtcSubscriberSession s : stream.subscribers()) {
      s.forward(kind, packet, p, keyframe, now);
    }
  }

  private boolean isKeyframeStart(ByteBuf payload) {
    if (vp8) {
      try {
        return Vp8PayloadDescriptor.parse(payload).keyframe();
      } catch (RtpException e) {
        return false;
      }
    }
    return H264Depacketizer.startsKeyframe(payload);
  }

  @Override
  public void onRtcp(RtcTransport t, ByteBuf packet) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpPacket.parseCompound(packet);
    } catch (RuntimeException e) {
      return;
    }
    Instant now = clock.instant();
    for (RtcpPacket r : packets) {
      if (r instanceof SenderReport sr) {
        Negotiated.Kind kind = videoSsrcKnown && sr.ssrc() == videoSsrc ? Negotiated.Kind.VIDEO
            : sr.ssrc() == audioSsrc ? Negotiated.Kind.AUDIO : null;
        if (kind != null) {
          for (RtcSubscriberSession s : stream.subscribers()) {
            s.onSourceReport(kind, sr, now);
          }
        }
      }
    }
  }

  @Override
  public void onClosed(RtcTransport t, String reason) {
    log.info("rtc publisher {} for {} closed: {}", t, stream.key(), reason);
    if (keyframeTimer != null) {
      keyframeTimer.cancel(false);
    }
    stream.publisherLeft(this);
    onEnded.run();
  }

  /** Whether a FIR/PLI from a player names media we can ask the publisher for. */
  static boolean asksForKeyframe(RtcpPacket r) {
    return r instanceof PictureLossIndication || r instanceof FullIntraRequest;
  }
}
