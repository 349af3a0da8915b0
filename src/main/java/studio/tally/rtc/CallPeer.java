package studio.tally.rtc;

import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One peer-to-peer leg of a call: send-receive video and audio on a single RTCPeerConnection, as the
 * offerer ({@link #offer}/{@link #acceptAnswer}) or the answerer ({@link #answer}). Complete SDP after
 * gathering; trickled remote candidates (from browsers) are added as they come. Frames go out through
 * {@link FramePush}, audio from the factory ({@link RtcFactory#localAudio}); decoded remote frames and
 * audio go to the listeners.
 */
final class CallPeer implements AutoCloseable {
  private final PeerSession session;
  private final RtcFactory factory;
  private final CustomVideoSource videoSource = new CustomVideoSource();
  private final VideoTrack videoTrack;
  private final AudioTrack audioTrack;
  private final FrameCounter received;
  private final AudioFrameListener audio;
  private final Duration timeout;
  private final List<Runnable> sinks = new ArrayList<>();
  private volatile boolean closed;
  private boolean micMuted; // applied again once the track has its sender

  CallPeer(RtcFactory factory, RTCConfiguration config, VideoFrameListener listener, AudioFrameListener audio,
      Duration timeout) {
    this.timeout = timeout;
    this.audio = audio;
    this.received = new FrameCounter(listener);
    this.factory = factory;
    this.session = new PeerSession(factory, config);
    session.disposeOnClose(videoSource::dispose);
    videoTrack = factory.peerConnections().createVideoTrack("call-video", videoSource);
    audioTrack = factory.peerConnections().createAudioTrack("call-audio", factory.localAudio());
    session.disposeOnClose(videoTrack::dispose);
    session.disposeOnClose(audioTrack::dispose);
  }

  /** The offerer's side: send-receive transceivers, a gathered offer. */
  String offer(RtcFactory factory) throws RtcException {
    RTCRtpTransceiver video = session.pc().addTransceiver(videoTrack, sendRecv());
    PeerSession.prefer(video, PeerSession.sendCodecs(factory, MediaType.VIDEO), "video/H264");
    session.pc().addTransceiver(audioTrack, sendRecv());
    remute();
    attachSinks();
    return session.offer(timeout);
  }

  void acceptAnswer(String sdp) throws RtcException {
    session.acceptAnswer(sdp, timeout);
  }

  /** The answerer's side: apply the offer, send our tracks on its m-lines, answer once gathered. */
  String answer(String offer) throws RtcException {
    session.acceptOffer(offer, timeout);
    session.pc().addTrack(videoTrack, List.of("call"));
    session.pc().addTrack(audioTrack, List.of("call"));
    remute();
    attachSinks();
    return session.answer(timeout);
  }

  void addCandidate(String sdpMid, int sdpMLineIndex, String candidate) {
    if (!closed) {
      session.pc().addIceCandidate(new RTCIceCandidate(sdpMid, sdpMLineIndex, candidate));
    }
  }

  void awaitConnected() throws RtcException {
    session.awaitConnected(timeout);
  }

  boolean connected() {
    return session.state() == RTCPeerConnectionState.CONNECTED;
  }

  RTCPeerConnectionState state() {
    return session.state();
  }

  /** Muted tracks keep their place in the session: the peer gets black frames and silence. */
  synchronized void mute(boolean mic, boolean camera) {
    micMuted = mic;
    if (!closed) {
      factory.muteAudio(audioTrack, audioSender(), mic);
      videoTrack.setEnabled(!camera);
    }
  }

  CustomVideoSource videoSource() {
    return videoSource;
  }

  long framesReceived() {
    return received.count();
  }

  RtcStats stats() throws RtcException {
    return WhepPlayer.stats(session, timeout);
  }

  private void attachSinks() {
    for (RTCRtpTransceiver t : session.pc().getTransceivers()) {
      if (t.getReceiver().getTrack() instanceof VideoTrack remote) {
        VideoTrackSink sink = received::deliver;
        remote.addSink(sink);
        sinks.add(() -> remote.removeSink(sink));
      } else if (t.getReceiver().getTrack() instanceof AudioTrack remote) {
        AudioTrackSink sink = (data, bits, rate, channels, frames) -> {
          try {
            audio.onAudio(data, bits, rate, channels, frames);
          } catch (RuntimeException e) {
            // never unwind into libwebrtc's audio thread
          }
        };
        remote.addSink(sink);
        sinks.add(() -> remote.removeSink(sink));
      }
    }
  }

  private static RTCRtpTransceiverInit sendRecv() {
    var init = new RTCRtpTransceiverInit();
    init.direction = RTCRtpTransceiverDirection.SEND_RECV;
    init.streamIds = List.of("call");
    return init;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sinks.forEach(Runnable::run);
    session.close();
  }

  private synchronized void remute() {
    if (micMuted && !closed) factory.muteAudio(audioTrack, audioSender(), true);
  }

  /** The sender of our audio track, or null before the track is in the session. */
  private RTCRtpSender audioSender() {
    for (RTCRtpSender s : session.pc().getSenders()) {
      if (s.getTrack() != null && s.getTrack().getId().equals(audioTrack.getId())) return s;
    }
    return null;
  }
}
