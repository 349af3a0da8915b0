package studio.tally.rtc;

import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.util.List;

/**
 * libwebrtc's PulseAudio device with the recording source chosen. libwebrtc lists a server's sources by
 * description, first a "default: ..." entry, and leaves out the monitors of sinks; the server's default
 * source is what it records unless told otherwise.
 */
final class Microphones {
  private static final String DEFAULT_PREFIX = "default: ";

  private Microphones() {}

  static AudioDeviceModule open(String description) {
    var adm = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
    try {
      List<AudioDevice> devices = adm.getRecordingDevices();
      if (description != null) {
        AudioDevice chosen = devices.stream().filter(d -> !d.getName().startsWith(DEFAULT_PREFIX))
            .filter(d -> d.getName().equals(description)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("libwebrtc finds no PulseAudio source '" + description
                + "'; it has: " + names(devices)));
        adm.setRecordingDevice(chosen);
      } else if (devices.isEmpty()) {
        throw new IllegalArgumentException("libwebrtc finds no PulseAudio source to record (is a sound server running?)");
      }
      return adm;
    } catch (RuntimeException e) {
      adm.dispose();
      throw e;
    }
  }

  private static List<String> names(List<AudioDevice> devices) {
    return devices.stream().map(AudioDevice::getName).filter(n -> !n.startsWith(DEFAULT_PREFIX)).toList();
  }
}
