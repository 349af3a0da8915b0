package studio.tally.rtc;

import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Plays a stream: offers receive-only video (H.264 preferred, the server's choice too) and audio, gets the
 * answer from an {@link SdpExchange} (WHEP, or a publisher in the same process) and hands every decoded
 * frame to a {@link VideoFrameListener}. {@link #close()} ends the remote session and releases libwebrtc.
 */
public final class WhepPlayer implements AutoCloseable {
  private final PeerSession session;
  private final SdpExchange exchange;
  private final VideoTrack remoteVideo;
  private final VideoTrackSink sink;
  private final FrameCounter received;
  private boolean closed;

  private WhepPlayer(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener, boolean withAudio) {
    this.exchange = exchange;
    this.session = new PeerSession(factory);
    try {
      // webrtc-java needs a track even for a receive-only transceiver; it never sends
      var placeholderVideo = new CustomVideoSource();
      var videoTrack = factory.peerConnections().createVideoTrack("whep-video-placeholder", placeholderVideo);
      AudioTrackSource placeholderAudio = factory.peerConnections().createAudioSource(new AudioOptions());
      var audioTrack = factory.peerConnections().createAudioTrack("whep-audio-placeholder", placeholderAudio);
      session.disposeOnClose(placeholderVideo::dispose);
      session.disposeOnClose(videoTrack::dispose);
      session.disposeOnClose(audioTrack::dispose);

      RTCRtpTransceiver video = session.pc().addTransceiver(videoTrack, recvOnly());
      PeerSession.prefer(video, PeerSession.receiveCodecs(factory, MediaType.VIDEO), "video/H264");
      if (withAudio) session.pc().addTransceiver(audioTrack, recvOnly());
      remoteVideo = (VideoTrack) video.getReceiver().getTrack();
      received = new FrameCounter(listener);
      sink = received::deliver;
      remoteVideo.addSink(sink);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * Offers, exchanges and waits until ICE and DTLS are up (frames may follow a moment later).
   *
   * @param timeout for each step: gathering, the exchange, connecting
   */
  public static WhepPlayer connect(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener,
      Duration timeout) throws RtcException {
    return connect(factory, exchange, listener, true, timeout);
  }

  /** As {@link #connect(RtcFactory, SdpExchange, VideoFrameListener, Duration)}; withAudio false offers video only. */
  public static WhepPlayer connect(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener,
      boolean withAudio, Duration timeout) throws RtcException {
    return connect(factory, exchange, listener, withAudio, false, timeout);
  }

  /**
   * As above; with {@code iceLiteServer} the offer goes out with its first candidate instead of after
   * gathering completes (for ice-lite servers: ours, SRS).
   */
  public static WhepPlayer connect(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener,
      boolean withAudio, boolean iceLiteServer, Duration timeout) throws RtcException {
    var player = new WhepPlayer(factory, exchange, listener, withAudio);
    try {
      String offer = iceLiteServer ? player.session.offerToIceLite(timeout) : player.session.offer(timeout);
      String answer = exchange.answer(offer);
      player.session.acceptAnswer(answer, timeout);
      player.session.awaitConnected(timeout);
      return player;
    } catch (RtcException | RuntimeException e) {
      player.close();
      throw e;
    }
  }

  /** Frames handed to the listener so far. */
  public long framesDelivered() {
    return received.count();
  }

  /** Frames whose listener call threw (the exception is dropped: it ran on libwebrtc's thread). */
  public long listenerErrors() {
    return received.listenerErrors();
  }

  public boolean connected() {
    return session.state() == RTCPeerConnectionState.CONNECTED;
  }

  /** A snapshot of libwebrtc's receive stats. */
  public RtcStats stats(Duration timeout) throws RtcException {
    return stats(session, timeout);
  }

  static RtcStats stats(PeerSession session, Duration timeout) throws RtcException {
    try {
      return RtcStats.of(session.stats().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      throw new RtcException.TimedOut("getStats", timeout);
    } catch (ExecutionException e) {
      throw new RtcException.NegotiationFailed("getStats", String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.TimedOut("getStats (interrupted)", timeout);
    }
  }

  private static RTCRtpTransceiverInit recvOnly() {
    var init = new RTCRtpTransceiverInit();
    init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
    return init;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (remoteVideo != null && sink != null) remoteVideo.removeSink(sink);
    exchange.end();
    session.close();
  }
}
