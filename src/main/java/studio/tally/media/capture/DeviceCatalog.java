package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avdevice.*;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avdevice.AVDeviceInfoList;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import studio.tally.media.Av;
import studio.tally.media.MediaException;
import studio.tally.media.SessionClock;
import studio.tally.media.VideoFormat;

/**
 * Which screens, cameras and audio inputs this machine has, each tried for real (opened and
 * closed) so the list says what works and, for what does not, why — in FFmpeg's words. Opening by
 * id ("x11grab::0.0", "v4l2:/dev/video0", "pulse:default", "gdigrab:desktop", "dshow:video=...",
 * "avfoundation:1") gives a {@link VideoSource} or {@link AudioSource}.
 *
 * <p>Linux: screens are the X displays with a socket in /tmp/.X11-unix (plus $DISPLAY), cameras
 * /dev/video*, audio the PulseAudio default source and the ALSA cards of /proc/asound. Windows and
 * macOS: libavdevice's own device lists (dshow, avfoundation) plus gdigrab's desktop.
 */
public final class DeviceCatalog {
  private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);

  private DeviceCatalog() {}

  /** Every device found, probed. Takes up to a few hundred ms per device. */
  public static List<Device> list() {
    Av.load();
    List<Device> devices = new ArrayList<>();
    if (OS.contains("linux")) {
      devices.addAll(screens());
      for (Path video : videoNodes()) devices.add(probeVideo(Device.Kind.CAMERA, "v4l2:" + video, "V4L2 camera " + video));
      devices.addAll(pulseDevices());
      for (String card : alsaCards()) devices.add(probeAudio("alsa:" + card, "ALSA " + card));
    } else if (OS.contains("win")) {
      devices.addAll(screens());
      devices.addAll(listed("dshow", "video=", Device.Kind.CAMERA));
      devices.addAll(listed("dshow", "audio=", Device.Kind.AUDIO_INPUT));
    } else if (OS.contains("mac")) {
      devices.addAll(listed("avfoundation", "", Device.Kind.CAMERA));
    }
    return devices;
  }

  /**
   * The screens as they are now (Linux: an X display started or ended since the last call shows or
   * is gone; Windows: the desktop), each probed; a few tens of ms per screen.
   */
  public static List<Device> screens() {
    Av.load();
    List<Device> screens = new ArrayList<>();
    if (OS.contains("linux")) {
      // probed side by side: opening x11grab waits for its first frames, a fraction of a second each
      try (var probes = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        var futures = x11Displays().stream()
            .map(d -> probes.submit(() -> probeScreen("x11grab:" + d, "X11 display " + d))).toList();
        for (var f : futures) {
          try {
            screens.add(f.get());
          } catch (java.util.concurrent.ExecutionException e) {
            throw new MediaException("probing a screen failed: " + e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return screens;
          }
        }
      }
    } else if (OS.contains("win")) {
      screens.add(probeScreen("gdigrab:desktop", "Windows desktop (GDI)"));
    }
    return screens;
  }

  /**
   * Opens the video device id with fps (and, for a screen, an optional region "x,y,WxH").
   * Unknown ids fail with the ids this machine offers.
   */
  public static VideoSource openVideo(String id, double fps, String region) {
    Av.load();
    new VideoFormat(16, 16, fps); // validates fps
    String format = formatOf(id);
    String url = id.substring(format.length() + 1);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("framerate", fpsString(fps));
    if (region != null && !region.isBlank()) {
      String[] parts = region.split(",");
      if (parts.length != 3) throw new IllegalArgumentException("screen region '" + region + "' is not x,y,WxH");
      VideoFormat size = VideoFormat.parse(parts[2], fps);
      int x = Integer.parseInt(parts[0].strip());
      int y = Integer.parseInt(parts[1].strip());
      options.put("video_size", size.width() + "x" + size.height());
      if (format.equals("x11grab")) url = url.replaceAll("\\+.*$", "") + "+" + x + "," + y;
      else {
        options.put("offset_x", Integer.toString(x));
        options.put("offset_y", Integer.toString(y));
      }
    }
    if (format.equals("x11grab") || format.equals("gdigrab")) options.put("draw_mouse", "1");
    return DeviceVideoSource.open(format + " " + url, format, url, options);
  }

  /**
   * Opens the audio device id. A PulseAudio source is watched: while it is gone from the server it
   * reads as silence with {@link AudioSource#problem()} saying so, and it is reopened when it returns.
   */
  public static AudioSource openAudio(String id, SessionClock clock) {
    Av.load();
    String format = formatOf(id);
    String url = id.substring(format.length() + 1);
    if (!format.equals("pulse")) return DeviceAudioSource.open(id, format, url, Map.of(), clock, null);
    try {
      return DeviceAudioSource.open(id, format, url, PulseSources.options(), clock, PulseSources::present);
    } catch (MediaException e) {
      throw new MediaException("cannot open " + id + ": " + PulseSources.explainOpenFailure(url, e.getMessage()), e);
    }
  }

  /**
   * The PulseAudio sources (a source's monitor = desktop audio), listed by the server without opening
   * them: cheap enough to poll. Where no server answers, one unopenable entry says why.
   */
  public static List<Device> pulseDevices() {
    Av.load();
    try {
      List<Device> devices = new ArrayList<>();
      for (PulseSources.Source s : PulseSources.list()) {
        devices.add(new Device(s.monitor() ? Device.Kind.AUDIO_MONITOR : Device.Kind.AUDIO_INPUT, "pulse:" + s.name(),
            s.description(), true, null, 0, 0));
      }
      return devices;
    } catch (IllegalStateException e) {
      return List.of(new Device(Device.Kind.AUDIO_INPUT, "pulse:default", "PulseAudio default source", false, e.getMessage(), 0, 0));
    }
  }

  private static String formatOf(String id) {
    int colon = id == null ? -1 : id.indexOf(':');
    String format = colon > 0 ? id.substring(0, colon) : null;
    AVInputFormat input = format == null ? null : av_find_input_format(format);
    if (input == null) {
      throw new MediaException("unknown device '" + id + "': expected format:device, e.g. x11grab::0.0, v4l2:/dev/video0, "
          + "pulse:default; this machine has: " + list().stream().filter(Device::openable).map(Device::id).toList());
    }
    return format;
  }

  private static String fpsString(double fps) {
    var q = av_d2q(fps, 1_000_000);
    return q.num() + "/" + q.den();
  }

  /** A screen grab is raw video of a known size: its first frame says all, no stream analysis needed. */
  private static Device probeScreen(String id, String description) {
    return probeVideo(Device.Kind.SCREEN, id, description, Map.of("analyzeduration", "0", "probesize", "32"));
  }

  private static Device probeVideo(Device.Kind kind, String id, String description) {
    return probeVideo(kind, id, description, Map.of());
  }

  private static Device probeVideo(Device.Kind kind, String id, String description, Map<String, String> options) {
    String format = id.substring(0, id.indexOf(':'));
    String url = id.substring(format.length() + 1);
    try (var input = DeviceInput.open(format, url, options, AVMEDIA_TYPE_VIDEO)) {
      var dec = input.decoder();
      return new Device(kind, id, description, true, null, dec.width(), dec.height());
    } catch (MediaException e) {
      return new Device(kind, id, description, false, e.getMessage(), 0, 0);
    }
  }

  private static Device probeAudio(String id, String description) {
    String format = id.substring(0, id.indexOf(':'));
    try (var input = DeviceInput.open(format, id.substring(format.length() + 1), Map.of(), AVMEDIA_TYPE_AUDIO)) {
      return new Device(Device.Kind.AUDIO_INPUT, id, description, true, null, 0, 0);
    } catch (MediaException e) {
      return new Device(Device.Kind.AUDIO_INPUT, id, description, false, e.getMessage(), 0, 0);
    }
  }

  /** X displays with a socket, and $DISPLAY; ":N.0" form. */
  static List<String> x11Displays() {
    List<String> displays = new ArrayList<>();
    String env = System.getenv("DISPLAY");
    if (env != null && !env.isBlank()) displays.add(env.contains(".") ? env : env + ".0");
    try (Stream<Path> sockets = Files.list(Path.of("/tmp/.X11-unix"))) {
      sockets.map(p -> p.getFileName().toString()).filter(n -> n.matches("X\\d+")).sorted()
          .map(n -> ":" + n.substring(1) + ".0").filter(d -> !displays.contains(d)).forEach(displays::add);
    } catch (IOException e) {
      // no X server socket directory: no local displays
    }
    return displays;
  }

  private static List<Path> videoNodes() {
    try (Stream<Path> nodes = Files.list(Path.of("/dev"))) {
      return nodes.filter(p -> p.getFileName().toString().matches("video\\d+")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> alsaCards() {
    try {
      return Files.readAllLines(Path.of("/proc/asound/cards")).stream()
          .filter(l -> l.matches("^\\s*\\d+ \\[.*")).map(l -> "hw:" + l.strip().split("\\s+")[0]).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Devices libavdevice can enumerate itself (dshow, avfoundation). */
  private static List<Device> listed(String format, String prefix, Device.Kind kind) {
    List<Device> devices = new ArrayList<>();
    AVInputFormat input = av_find_input_format(format);
    if (input == null) return devices;
    AVDeviceInfoList list = new AVDeviceInfoList(null);
    int n = avdevice_list_input_sources(input, (String) null, null, list);
    if (n < 0) return devices;
    try {
      for (int i = 0; i < list.nb_devices(); i++) {
        var info = list.devices(i);
        String name = info.device_name().getString();
        devices.add(new Device(kind, format + ":" + prefix + name, info.device_description().getString(), true, null, 0, 0));
      }
    } finally {
      avdevice_free_list_devices(list);
    }
    return devices;
  }
}
