package studio.tally.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * One libwebrtc engine (threads, codecs, a headless audio device: no sound card needed). Publishers and
 * players are made from it and must be closed before it. Not tied to any display or JavaFX.
 */
public final class RtcFactory implements AutoCloseable {
  private final HeadlessAudioDeviceModule audioDevice;
  private final PeerConnectionFactory factory;
  private boolean closed;

  public RtcFactory() {
    audioDevice = new HeadlessAudioDeviceModule();
    try {
      factory = new PeerConnectionFactory(audioDevice);
    } catch (RuntimeException | Error e) {
      audioDevice.dispose();
      throw e;
    }
  }

  PeerConnectionFactory peerConnections() {
    if (closed) throw new IllegalStateException("RtcFactory is closed");
    return factory;
  }

  /** No ICE servers (host candidates only: our server is ICE-lite), one bundled transport, RTCP muxed. */
  static RTCConfiguration configuration() {
    var c = new RTCConfiguration();
    c.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
    c.rtcpMuxPolicy = RTCRtcpMuxPolicy.REQUIRE;
    return c;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    factory.dispose();
    audioDevice.dispose();
  }
}
