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
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import java.time.Duration;
import java.util.List;
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
  private volatile SdpExchange exchange;
  private String preparedOffer;
  private final VideoTrack remoteVideo;
  private final VideoTrackSink sink;
  private final FrameCounter received;
  private AudioTrack remoteAudio;
  private AudioTrackSink audioSink;
  private boolean closed;

  private WhepPlayer(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener, boolean withAudio,
      AudioFrameListener audioListener, WhepOptions options) {
    this.exchange = exchange;
    this.session = new PeerSession(factory, options.configuration(List.of()));
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
      if (withAudio) {
        RTCRtpTransceiver audio = session.pc().addTransceiver(audioTrack, recvOnly());
        if (audioListener != null && audio.getReceiver().getTrack() instanceof AudioTrack a) {
          remoteAudio = a;
          audioSink = (data, bits, rate, channels, frames) -> {
            try {
              audioListener.onAudio(data, bits, rate, channels, frames);
            } catch (RuntimeException e) {
              // never unwind into libwebrtc's audio thread
            }
          };
          a.addSink(audioSink);
        }
      }
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
    return connect(factory, exchange, listener, null, withAudio, iceLiteServer, WhepOptions.defaults(), timeout);
  }

  /**
   * Plays with audio (decoded PCM to audioListener, when non-null) and the given options; the ICE servers
   * of a WHEP answer's {@code Link} headers are applied before the answer, so libwebrtc gathers through
   * them too (relayed checks reach an ICE-lite server as peer-reflexive candidates).
   */
  public static WhepPlayer connect(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener,
      AudioFrameListener audioListener, WhepOptions options, Duration timeout) throws RtcException {
    return connect(factory, exchange, listener, audioListener, true, false, options, timeout);
  }

  static WhepPlayer connect(RtcFactory factory, SdpExchange exchange, VideoFrameListener listener,
      AudioFrameListener audioListener, boolean withAudio, boolean iceLiteServer, WhepOptions options,
      Duration timeout) throws RtcException {
    var player = new WhepPlayer(factory, exchange, listener, withAudio, audioListener, options);
    try {
      String offer = iceLiteServer ? player.session.offerToIceLite(timeout) : player.session.offer(timeout);
      player.complete(offer, options, timeout);
      return player;
    } catch (RtcException | RuntimeException e) {
      player.close();
      throw e;
    }
  }

  /**
   * The first half of a play from an ice-lite server (ours, SRS), done before the stream is known: the
   * peer connection, receive-only transceivers and the offer with its first candidate (a call makes one
   * while it joins, so playing the peer it learns of is one HTTP exchange plus ICE and DTLS).
   * {@link #play} sends it.
   */
  public static WhepPlayer prepareForIceLite(RtcFactory factory, VideoFrameListener listener, boolean withAudio,
      Duration timeout) throws RtcException {
    return prepareForIceLite(factory, listener, null, withAudio, timeout);
  }

  /** As above, with the decoded audio to audioListener (when non-null). */
  public static WhepPlayer prepareForIceLite(RtcFactory factory, VideoFrameListener listener,
      AudioFrameListener audioListener, boolean withAudio, Duration timeout) throws RtcException {
    var player = new WhepPlayer(factory, null, listener, withAudio, audioListener, WhepOptions.defaults());
    try {
      player.preparedOffer = player.session.offerToIceLite(timeout);
      return player;
    } catch (RtcException | RuntimeException e) {
      player.close();
      throw e;
    }
  }

  /**
   * Sends the offer {@link #prepareForIceLite} made through {@code exchange} and waits until connected;
   * closes the player if that fails.
   */
  public void play(SdpExchange exchange, Duration timeout) throws RtcException {
    String offer;
    synchronized (this) {
      if (preparedOffer == null || closed) throw new IllegalStateException("not a prepared, unsent player");
      offer = preparedOffer;
      preparedOffer = null;
      this.exchange = exchange;
    }
    try {
      complete(offer, WhepOptions.defaults(), timeout);
    } catch (RtcException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void complete(String offer, WhepOptions options, Duration timeout) throws RtcException {
    SdpExchange x = exchange;
    String answer = x.answer(offer);
    if (x instanceof WhipExchange w && !w.linkIceServers().isEmpty()) {
      session.pc().setConfiguration(options.configuration(w.linkIceServers()));
    }
    try {
      session.acceptAnswer(answer, timeout);
    } catch (Error e) { // webrtc-java throws java.lang.Error when libwebrtc cannot parse the SDP
      throw new RtcException.NegotiationFailed("setRemoteDescription(answer)", String.valueOf(e.getMessage()));
    }
    session.awaitConnected(timeout);
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

  /** A snapshot of libwebrtc's receive stats, video and audio (what the QA report's WebRTC figures read). */
  public RtcReceiveStats receiveStats(Duration timeout) throws RtcException {
    try {
      return RtcReceiveStats.of(session.stats().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      throw new RtcException.TimedOut("getStats", timeout);
    } catch (ExecutionException e) {
      throw new RtcException.NegotiationFailed("getStats", String.valueOf(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.TimedOut("getStats (interrupted)", timeout);
    }
  }

  /** The ICE/DTLS state as libwebrtc reports it (new, connecting, connected, disconnected, failed, closed). */
  public String connectionState() {
    return session.state().name().toLowerCase(java.util.Locale.ROOT);
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
    if (remoteAudio != null && audioSink != null) remoteAudio.removeSink(audioSink);
    SdpExchange x = exchange;
    if (x != null) x.end();
    session.close();
  }
}
