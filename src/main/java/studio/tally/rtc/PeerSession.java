package studio.tally.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One RTCPeerConnection with blocking offer/answer steps (complete SDP after gathering: no trickle)
 * and the shutdown order libwebrtc needs (remove every sender's track before close,
 * else disposing the track fails and the JVM does not exit). Callbacks arrive on libwebrtc's signaling
 * thread; the blocking calls here must not be made from it.
 */
final class PeerSession implements AutoCloseable {
  private final RTCPeerConnection pc;
  private final CompletableFuture<Void> gathered = new CompletableFuture<>();
  private final CompletableFuture<Void> firstCandidate = new CompletableFuture<>();
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private volatile RTCPeerConnectionState state = RTCPeerConnectionState.NEW;
  private final List<Runnable> disposals = new ArrayList<>();
  private boolean closed;

  PeerSession(RtcFactory factory) {
    this(factory, RtcFactory.configuration());
  }

  /** With a configuration of its own (a call's STUN/TURN servers). */
  PeerSession(RtcFactory factory, dev.onvoid.webrtc.RTCConfiguration configuration) {
    pc = factory.peerConnections().createPeerConnection(configuration, new PeerConnectionObserver() {
      @Override
      public void onIceCandidate(RTCIceCandidate candidate) {
        // gathered into the local description; we send it once gathered (or, to an ice-lite server, once the first is there)
        firstCandidate.complete(null);
      }

      @Override
      public void onIceGatheringChange(RTCIceGatheringState s) {
        if (s == RTCIceGatheringState.COMPLETE) {
          gathered.complete(null);
          firstCandidate.complete(null);
        }
      }

      @Override
      public void onConnectionChange(RTCPeerConnectionState s) {
        state = s;
        if (s == RTCPeerConnectionState.CONNECTED) connected.complete(null);
        if (s == RTCPeerConnectionState.FAILED || s == RTCPeerConnectionState.CLOSED) {
          connected.completeExceptionally(new IllegalStateException("connection " + s));
        }
      }
    });
  }

  RTCPeerConnection pc() {
    return pc;
  }

  RTCPeerConnectionState state() {
    return state;
  }

  /** Creates an offer, applies it, waits for gathering and returns the SDP with every host candidate. */
  String offer(Duration timeout) throws RtcException {
    RTCSessionDescription offer = create("createOffer", o -> pc.createOffer(new RTCOfferOptions(), o), timeout);
    setLocal(offer, timeout);
    return gatheredLocal(timeout);
  }

  /**
   * Creates an offer, applies it and returns the SDP as soon as the first host candidate is in it, for an
   * ice-lite server (ours, SRS): it never checks our candidates but answers our checks from wherever they
   * come, so waiting for gathering to complete (every interface, every protocol) only delays the call.
   */
  String offerToIceLite(Duration timeout) throws RtcException {
    RTCSessionDescription offer = create("createOffer", o -> pc.createOffer(new RTCOfferOptions(), o), timeout);
    setLocal(offer, timeout);
    await(firstCandidate, "ICE gathering (first candidate)", timeout);
    RTCSessionDescription local = pc.getLocalDescription();
    if (local == null) throw new RtcException.NegotiationFailed("local description", "none after the first candidate");
    return local.sdp;
  }

  /** Applies a remote answer to our offer. */
  void acceptAnswer(String sdp, Duration timeout) throws RtcException {
    set("setRemoteDescription(answer)", o -> pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), o),
        timeout);
  }

  /** Applies a remote offer; add tracks after this so they take the offer's transceivers. */
  void acceptOffer(String sdp, Duration timeout) throws RtcException {
    set("setRemoteDescription(offer)", o -> pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, sdp), o),
        timeout);
  }

  /** Answers the applied remote offer and returns the SDP once gathered. */
  String answer(Duration timeout) throws RtcException {
    RTCSessionDescription answer = create("createAnswer", o -> pc.createAnswer(new RTCAnswerOptions(), o), timeout);
    setLocal(answer, timeout);
    return gatheredLocal(timeout);
  }

  void awaitConnected(Duration timeout) throws RtcException {
    await(connected, "connecting (ICE + DTLS)", timeout);
  }

  CompletableFuture<RTCStatsReport> stats() {
    var f = new CompletableFuture<RTCStatsReport>();
    pc.getStats(f::complete);
    return f;
  }

  /** Puts codecs whose MIME type is {@code mime} (e.g. video/H264) first; the rest stay as fallbacks. */
  static void prefer(RTCRtpTransceiver t, List<RTCRtpCodecCapability> available, String mime) {
    List<RTCRtpCodecCapability> first = new ArrayList<>();
    List<RTCRtpCodecCapability> rest = new ArrayList<>();
    for (var c : available) {
      (c.getMimeType().equalsIgnoreCase(mime) ? first : rest).add(c);
    }
    if (first.isEmpty()) return;
    first.addAll(rest);
    t.setCodecPreferences(first);
  }

  static List<RTCRtpCodecCapability> receiveCodecs(RtcFactory f, MediaType type) {
    return f.peerConnections().getRtpReceiverCapabilities(type).getCodecs();
  }

  static List<RTCRtpCodecCapability> sendCodecs(RtcFactory f, MediaType type) {
    return f.peerConnections().getRtpSenderCapabilities(type).getCodecs();
  }

  /** Runs after the connection is closed (dispose tracks and sources: only safe once no sender uses them). */
  synchronized void disposeOnClose(Runnable r) {
    disposals.add(r);
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (RTCRtpSender sender : pc.getSenders()) {
      if (sender.getTrack() != null) pc.removeTrack(sender);
    }
    pc.close();
    connected.completeExceptionally(new IllegalStateException("closed"));
    for (int i = disposals.size() - 1; i >= 0; i--) disposals.get(i).run();
  }

  private String gatheredLocal(Duration timeout) throws RtcException {
    await(gathered, "ICE gathering", timeout);
    RTCSessionDescription local = pc.getLocalDescription();
    if (local == null) throw new RtcException.NegotiationFailed("local description", "none after gathering");
    return local.sdp;
  }

  private void setLocal(RTCSessionDescription d, Duration timeout) throws RtcException {
    set("setLocalDescription", o -> pc.setLocalDescription(d, o), timeout);
  }

  private interface Call<O> {
    void run(O observer);
  }

  private static RTCSessionDescription create(String step, Call<CreateSessionDescriptionObserver> call, Duration timeout)
      throws RtcException {
    var f = new CompletableFuture<RTCSessionDescription>();
    call.run(new CreateSessionDescriptionObserver() {
      @Override
      public void onSuccess(RTCSessionDescription d) {
        f.complete(d);
      }

      @Override
      public void onFailure(String error) {
        f.completeExceptionally(new RtcException.NegotiationFailed(step, error));
      }
    });
    return await(f, step, timeout);
  }

  private static void set(String step, Call<SetSessionDescriptionObserver> call, Duration timeout) throws RtcException {
    var f = new CompletableFuture<Void>();
    call.run(new SetSessionDescriptionObserver() {
      @Override
      public void onSuccess() {
        f.complete(null);
      }

      @Override
      public void onFailure(String error) {
        f.completeExceptionally(new RtcException.NegotiationFailed(step, error));
      }
    });
    await(f, step, timeout);
  }

  private static <T> T await(CompletableFuture<T> f, String step, Duration timeout) throws RtcException {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new RtcException.TimedOut(step, timeout);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RtcException r) throw r;
      throw new RtcException.NegotiationFailed(step, String.valueOf(e.getCause().getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RtcException.TimedOut(step + " (interrupted)", timeout);
    }
  }
}
