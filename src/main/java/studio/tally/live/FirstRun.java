package studio.tally.live;

import java.util.ArrayList;
import java.util.List;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.StudioSettings;
import studio.tally.media.capture.Device;
import studio.tally.media.capture.DeviceCatalog;
import studio.tally.media.encode.EncoderCatalog;

/** What this machine offers, and the first-run scene built from it. */
final class FirstRun {
  private FirstRun() {}

  static List<AvailableDevice> devices() {
    return DeviceCatalog.list().stream().map(FirstRun::available).toList();
  }

  static List<AvailableDevice> audioDevices() {
    return DeviceCatalog.pulseDevices().stream().map(FirstRun::available).toList();
  }

  static List<AvailableDevice> screens() {
    return DeviceCatalog.screens().stream().map(FirstRun::available).toList();
  }

  static List<EncoderChoice> encoders() {
    return EncoderCatalog.probe("h264").stream()
        .map(p -> new EncoderChoice(p.name(), p.codec(), p.hardware(), p.usable(), p.usable() ? null : p.reason()))
        .toList();
  }

  /**
   * The primary screen (full frame), the default camera as picture-in-picture and the default
   * microphone, each only where it opens. No video → the test pattern; no microphone → the tone,
   * muted when a real picture exists (the stream keeps an audio track, the viewer hears nothing).
   */
  static StudioSettings settings(List<AvailableDevice> devices) {
    List<SceneSource> scene = new ArrayList<>();
    first(devices, SceneSource.Kind.SCREEN)
        .ifPresent(d -> scene.add(SceneSource.video(SceneSource.Kind.SCREEN, d.deviceId(), Placement.FULL)));
    first(devices, SceneSource.Kind.CAMERA).ifPresent(d -> scene.add(SceneSource.video(SceneSource.Kind.CAMERA,
        d.deviceId(), scene.isEmpty() ? Placement.FULL : Placement.PIP)));
    boolean picture = !scene.isEmpty();
    if (!picture) scene.add(SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL));
    var mic = first(devices, SceneSource.Kind.MIC);
    if (mic.isPresent()) scene.add(SceneSource.audio(SceneSource.Kind.MIC, mic.get().deviceId()));
    else scene.add(SceneSource.audio(SceneSource.Kind.TONE, null).withMuted(picture));
    return StudioSettings.defaults(scene);
  }

  private static java.util.Optional<AvailableDevice> first(List<AvailableDevice> devices, SceneSource.Kind kind) {
    return devices.stream().filter(d -> d.kind() == kind && d.openable()).findFirst();
  }

  static AvailableDevice available(Device d) {
    SceneSource.Kind kind = switch (d.kind()) {
      case SCREEN -> SceneSource.Kind.SCREEN;
      case CAMERA -> SceneSource.Kind.CAMERA;
      case AUDIO_INPUT -> SceneSource.Kind.MIC;
      case AUDIO_MONITOR -> SceneSource.Kind.DESKTOP_AUDIO;
    };
    return new AvailableDevice(kind, d.id(), d.description(), d.openable(), d.reason(), d.width(), d.height());
  }
}
