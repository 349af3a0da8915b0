package studio.tally.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCRtcpMuxPolicy;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.util.Set;

/**
 * One libwebrtc engine (threads, codecs, an audio device). Publishers, players and calls are made from
 * it and must be closed before it. Not tied to any display or JavaFX. What its local audio tracks carry
 * is chosen when it is made, because libwebrtc feeds every sending audio stream from the engine's audio
 * device, and a second feeder on the same stream aborts it (audio_send_stream.cc race check):
 * <ul>
 *   <li>{@link #RtcFactory()}: a headless device (no sound card needed) that records nothing: silence;
 *   <li>{@link #withPushedAudio()}: the same headless device, and our PCM pushed through one
 *       {@link CustomAudioSource} (the test tone, the studio's mix) is the only feeder;
 *   <li>{@link #withMicrophone}: libwebrtc's own PulseAudio device records the microphone through
 *       its audio processing (echo cancellation, noise suppression, gain control) and plays the peer on
 *       the default output, which is the echo canceller's reference.
 * </ul>
 */
public final class RtcFactory implements AutoCloseable {
  private final AudioDeviceModuleBase audioDevice;
  private final PeerConnectionFactory factory;
  private final CustomAudioSource pushedAudio;
  private final boolean microphone;
  private final Set<VoiceProcessing> processing;
  private final byte[] silence = new byte[48_000 / 100 * 2 * 2];
  private volatile boolean pushedMuted;
  private boolean closed;

  /** Local audio tracks carry silence (the session still has its Opus stream). */
  public RtcFactory() {
    this(new HeadlessAudioDeviceModule(), false, false, Set.of());
  }

  private RtcFactory(AudioDeviceModuleBase audioDevice, boolean pushed, boolean microphone, Set<VoiceProcessing> processing) {
    this.audioDevice = audioDevice;
    this.microphone = microphone;
    this.processing = Set.copyOf(processing);
    try {
      factory = new PeerConnectionFactory(audioDevice);
    } catch (RuntimeException | Error e) {
      audioDevice.dispose();
      throw e;
    }
    pushedAudio = pushed ? new CustomAudioSource() : null;
  }

  /** Local audio tracks carry what {@link #pushAudio} is given (silence until then). */
  public static RtcFactory withPushedAudio() {
    return new RtcFactory(new HeadlessAudioDeviceModule(), true, false, Set.of());
  }

  /**
   * Local audio tracks carry the PulseAudio source {@code source} (its name; null: the server's default
   * source), recorded by libwebrtc with the given audio processing; the peers are heard on the default
   * output.
   *
   * @throws IllegalArgumentException when libwebrtc finds no source to record
   */
  public static RtcFactory withMicrophone(String source, Set<VoiceProcessing> processing) {
    return new RtcFactory(Microphones.open(source), false, true, processing);
  }

  /** What libwebrtc's audio processing does to a microphone ({@link #withMicrophone}); a high-pass filter comes with any. */
  public enum VoiceProcessing {
    ECHO_CANCELLATION, NOISE_SUPPRESSION, GAIN_CONTROL;

    /** All of it: what a call on real devices wants. */
    public static final Set<VoiceProcessing> ALL = java.util.EnumSet.allOf(VoiceProcessing.class);
  }

  PeerConnectionFactory peerConnections() {
    if (closed) throw new IllegalStateException("RtcFactory is closed");
    return factory;
  }

  /**
   * The source of a new local audio track: the pushed PCM, or libwebrtc's own (the audio device's
   * recording, with echo cancellation, noise suppression and gain control for a microphone). Tracks of
   * one factory share it; the caller disposes only the track.
   */
  AudioTrackSource localAudio() {
    if (pushedAudio != null) return pushedAudio;
    var options = new AudioOptions();
    options.echoCancellation = microphone && processing.contains(VoiceProcessing.ECHO_CANCELLATION);
    options.noiseSuppression = microphone && processing.contains(VoiceProcessing.NOISE_SUPPRESSION);
    options.autoGainControl = microphone && processing.contains(VoiceProcessing.GAIN_CONTROL);
    options.highpassFilter = microphone && !processing.isEmpty();
    return peerConnections().createAudioSource(options);
  }

  /**
   * Pushes 10 ms of interleaved signed 16-bit PCM to every local audio track ({@link #withPushedAudio}
   * only); while {@link #mutePushedAudio muted}, silence of the same length goes instead. Push from one
   * thread at a time.
   *
   * <p>webrtc-java 0.14's headless device records silence on a thread of its own whenever libwebrtc
   * starts a sending stream (or unmutes one), and feeds it to the same send stream our pushes reach:
   * the two interleave (the peer hears every other 10 ms silent) and, when they meet, libwebrtc aborts
   * the process (audio_send_stream.cc race check). So each push first stops that recording (a no-op
   * while it is stopped), under the same lock.
   */
  public void pushAudio(byte[] pcm, int sampleRate, int channels) {
    if (pushedAudio == null) throw new IllegalStateException("not a factory with pushed audio");
    int frames = sampleRate / 100;
    if (pcm.length != frames * channels * 2) {
      throw new IllegalArgumentException("pushAudio wants 10 ms: " + frames * channels * 2 + " bytes at " + sampleRate
          + " Hz x " + channels + " channels, got " + pcm.length);
    }
    synchronized (this) {
      if (closed) return; // the native source is gone: pushing would crash, not throw
      audioDevice.stopRecording();
      byte[] out = pushedMuted ? silence(pcm.length) : pcm;
      pushedAudio.pushAudio(out, 16, sampleRate, channels, frames);
    }
  }

  /**
   * Mutes or unmutes a local audio track of this factory, sent by {@code sender} (null: not sending yet).
   * Pushed audio: silence is pushed instead (disabling the track makes libwebrtc restart the device's
   * recording on unmute, see {@link #pushAudio}). A microphone: the sender stops sending (its encoding
   * inactive); a disabled track would not come back (libwebrtc's PulseAudio recording stayed silent
   * after the track was enabled again). Silence: the track is disabled.
   */
  void muteAudio(AudioTrack track, RTCRtpSender sender, boolean muted) {
    if (pushedAudio != null) {
      pushedMuted = muted;
    } else if (microphone) {
      if (sender == null) return;
      var params = sender.getParameters();
      if (params.encodings == null || params.encodings.isEmpty()) return;
      params.encodings.forEach(e -> e.active = !muted);
      sender.setParameters(params);
    } else {
      track.setEnabled(!muted);
    }
  }

  private byte[] silence(int length) {
    return length == silence.length ? silence : new byte[length];
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
    if (pushedAudio != null) pushedAudio.dispose();
    audioDevice.dispose();
  }
}
