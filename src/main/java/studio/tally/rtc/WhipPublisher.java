package studio.tally.rtc;

import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpEncodingParameters;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * Publishes pushed I420 frames (audio: the factory's, see {@link RtcFactory}: silence, pushed PCM or a
 * microphone) with libwebrtc: as a WHIP client
 * ({@link #connect}) or, for a direct peer-to-peer link, as the answerer of a player's offer
 * ({@link #awaitingOffer} + {@link #answerer()}). libwebrtc encodes (H.264 preferred), paces, sends RTCP
 * SRs and reacts to NACK/PLI. Push from one thread at a time, and stop pushing before {@link #close()}.
 */
public final class WhipPublisher implements AutoCloseable {
  private final PeerSession session;
  private final RtcFactory factory;
  private volatile SdpExchange exchange;
  private String preparedOffer;
  private final Duration timeout;
  private final CustomVideoSource videoSource = new CustomVideoSource();
  private final VideoTrack videoTrack;
  private final AudioTrack audioTrack;
  private final int maxBitrate;
  private volatile boolean closed;
  private boolean audioMuted; // applied again once the track has its sender (a direct link's answer)

  private WhipPublisher(RtcFactory factory, SdpExchange exchange, int maxBitrate, Duration timeout) {
    this.exchange = exchange;
    this.timeout = timeout;
    this.maxBitrate = maxBitrate;
    this.factory = factory;
    this.session = new PeerSession(factory);
    session.disposeOnClose(videoSource::dispose);
    videoTrack = factory.peerConnections().createVideoTrack("tally-video", videoSource);
    // what the factory's audio is: silence, pushed PCM or its microphone (see RtcFactory)
    audioTrack = factory.peerConnections().createAudioTrack("tally-audio", factory.localAudio());
    session.disposeOnClose(videoTrack::dispose);
    session.disposeOnClose(audioTrack::dispose);
  }

  /**
   * Offers send-only video + audio to a WHIP endpoint (or any exchange) and waits until connected.
   *
   * @param maxBitrate video bits per second libwebrtc may use
   */
  public static WhipPublisher connect(RtcFactory factory, SdpExchange exchange, int maxBitrate, Duration timeout)
      throws RtcException {
    return connect(factory, exchange, maxBitrate, false, timeout);
  }

  /**
   * As {@link #connect(RtcFactory, SdpExchange, int, Duration)}; with {@code iceLiteServer} the offer goes
   * out as soon as it holds its first candidate (see {@link PeerSession#offerToIceLite}), not after
   * gathering completes: for servers that are ice-lite (ours, SRS).
   */
  public static WhipPublisher connect(RtcFactory factory, SdpExchange exchange, int maxBitrate, boolean iceLiteServer,
      Duration timeout) throws RtcException {
    var p = new WhipPublisher(factory, exchange, maxBitrate, timeout);
    try {
      RTCRtpTransceiver video = p.session.pc().addTransceiver(p.videoTrack, p.sendOnly(true));
      PeerSession.prefer(video, PeerSession.sendCodecs(factory, MediaType.VIDEO), "video/H264");
      p.session.pc().addTransceiver(p.audioTrack, p.sendOnly(false));
      String offer = iceLiteServer ? p.session.offerToIceLite(timeout) : p.session.offer(timeout);
      String answer = exchange.answer(offer);
      p.session.acceptAnswer(answer, timeout);
      p.session.awaitConnected(timeout);
      return p;
    } catch (RtcException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /**
   * The first half of a publish to an ice-lite server (ours, SRS), done before the endpoint is known or
   * while a signaling join is under way: tracks, send-only transceivers and the offer with its first
   * candidate (creating the first peer connection of a fresh process is the slow part of a call's set-up).
   * {@link #publish} sends it.
   */
  public static WhipPublisher prepareForIceLite(RtcFactory factory, int maxBitrate, Duration timeout) throws RtcException {
    var p = new WhipPublisher(factory, null, maxBitrate, timeout);
    try {
      RTCRtpTransceiver video = p.session.pc().addTransceiver(p.videoTrack, p.sendOnly(true));
      PeerSession.prefer(video, PeerSession.sendCodecs(factory, MediaType.VIDEO), "video/H264");
      p.session.pc().addTransceiver(p.audioTrack, p.sendOnly(false));
      p.preparedOffer = p.session.offerToIceLite(timeout);
      return p;
    } catch (RtcException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Sends the offer {@link #prepareForIceLite} made through {@code exchange} and waits until connected. */
  public void publish(SdpExchange exchange) throws RtcException {
    if (preparedOffer == null || closed) throw new IllegalStateException("not a prepared, unsent publisher");
    String offer = preparedOffer;
    preparedOffer = null;
    this.exchange = exchange;
    session.acceptAnswer(exchange.answer(offer), timeout);
    session.awaitConnected(timeout);
  }

  /** A publisher that waits for a player's offer through {@link #answerer()} (direct link, no server). */
  public static WhipPublisher awaitingOffer(RtcFactory factory, int maxBitrate, Duration timeout) {
    return new WhipPublisher(factory, null, maxBitrate, timeout);
  }

  /** The exchange a player in the same process uses to get this publisher's answer (one offer only). */
  public SdpExchange answerer() {
    return new SdpExchange() {
      @Override
      public String answer(String offer) throws RtcException {
        session.acceptOffer(offer, timeout);
        // after the remote offer, addTrack takes over its receive-only m-lines and makes them send-only
        session.pc().addTrack(videoTrack, List.of("tally"));
        session.pc().addTrack(audioTrack, List.of("tally"));
        synchronized (WhipPublisher.this) {
          if (audioMuted && !closed) factory.muteAudio(audioTrack, audioSender(), true);
        }
        limitBitrate();
        return session.answer(timeout);
      }

      @Override
      public void end() {
        // the publisher's close() ends the link
      }
    };
  }

  /** Waits until the (direct) link is connected; {@link #connect} already did. */
  public void awaitConnected() throws RtcException {
    session.awaitConnected(timeout);
  }

  public boolean connected() {
    return session.state() == RTCPeerConnectionState.CONNECTED;
  }

  /**
   * Pushes one I420 picture; the planes are copied, so the caller may reuse them at once.
   *
   * @param timestampNs capture time on the monotonic clock ({@link System#nanoTime()})
   */
  public void pushFrame(int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU,
      ByteBuffer v, int strideV, long timestampNs) {
    // the native source is disposed on close: pushing into it then would crash the JVM, not throw
    if (closed) throw new IllegalStateException("publisher is closed");
    FramePush.push(videoSource, width, height, y, strideY, u, strideU, v, strideV, timestampNs);
  }

  /**
   * Mutes or unmutes: the tracks stay in the session, so the player gets black frames and silence (no
   * renegotiation, unmuting is instant); how audio is muted depends on the factory's audio ({@link
   * RtcFactory}).
   */
  public synchronized void mute(boolean audio, boolean video) {
    audioMuted = audio;
    if (closed) return;
    factory.muteAudio(audioTrack, audioSender(), audio);
    videoTrack.setEnabled(!video);
  }

  /** A snapshot of libwebrtc's send stats. */
  public RtcStats stats(Duration timeout) throws RtcException {
    return WhepPlayer.stats(session, timeout);
  }

  private RTCRtpTransceiverInit sendOnly(boolean video) {
    var init = new RTCRtpTransceiverInit();
    init.direction = RTCRtpTransceiverDirection.SEND_ONLY;
    init.streamIds = List.of("tally");
    if (video) {
      var encoding = new RTCRtpEncodingParameters();
      encoding.maxBitrate = maxBitrate;
      // libwebrtc starts its estimate near 300 kbit/s and drops frames to fit; a floor keeps the frame rate up
      encoding.minBitrate = maxBitrate / 2;
      init.sendEncodings = List.of(encoding);
    }
    return init;
  }

  private void limitBitrate() {
    for (var sender : session.pc().getSenders()) {
      if (sender.getTrack() instanceof VideoTrack) {
        var params = sender.getParameters();
        if (params.encodings != null) {
          params.encodings.forEach(e -> {
            e.maxBitrate = maxBitrate;
            e.minBitrate = maxBitrate / 2;
          });
        }
        sender.setParameters(params);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    SdpExchange e = exchange;
    if (e != null) e.end();
    session.close();
  }

  /** The sender of our audio track, or null before the track is in the session. */
  private RTCRtpSender audioSender() {
    for (RTCRtpSender s : session.pc().getSenders()) {
      if (s.getTrack() != null && s.getTrack().getId().equals(audioTrack.getId())) return s;
    }
    return null;
  }
}
