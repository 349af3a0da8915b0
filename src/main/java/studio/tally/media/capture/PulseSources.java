package studio.tally.media.capture;

import static org.bytedeco.ffmpeg.global.avdevice.*;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.ffmpeg.avdevice.AVDeviceInfoList;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import studio.tally.media.Av;

/**
 * The sources of a PulseAudio server (or PipeWire's pulse server, same protocol), through
 * libavdevice's pulse device list: microphones, and the monitors of sinks ("desktop audio"). The
 * server is libpulse's choice ($PULSE_SERVER, else the user's session) unless the system property
 * {@value #SERVER_PROPERTY} names one ("unix:/run/user/1000/pulse/native", "tcp:host:4713").
 */
public final class PulseSources {
  /** System property naming the PulseAudio server to use instead of libpulse's default. */
  public static final String SERVER_PROPERTY = "tally.pulse.server";

  /** Names that stand for whatever the server's default is at the moment: never "gone". */
  private static final Set<String> ALIASES = Set.of("default", "@DEFAULT_SOURCE@", "@DEFAULT_MONITOR@");

  /** One source: its name (what pulse:NAME opens) and the server's description of it. */
  public record Source(String name, String description, boolean monitor) {}

  private static final int AVERROR_ENOMEM = -12;

  private PulseSources() {}

  /**
   * The server named by {@value #SERVER_PROPERTY}, else $PULSE_SERVER, else the session's socket
   * ($XDG_RUNTIME_DIR/pulse/native) when it exists, else null (libpulse's own default). Named
   * explicitly because libavdevice's device listing failed ("Cannot allocate memory") when left to
   * libpulse's default while $PULSE_SERVER was set.
   */
  public static String server() {
    String s = System.getProperty(SERVER_PROPERTY);
    if (s != null && !s.isBlank()) return s;
    s = System.getenv("PULSE_SERVER");
    if (s != null && !s.isBlank()) return s;
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && java.nio.file.Files.exists(java.nio.file.Path.of(runtime, "pulse", "native"))) {
      return "unix:" + java.nio.file.Path.of(runtime, "pulse", "native");
    }
    return null;
  }

  /** Capture options for a pulse source: the server when one is named, 48 kHz stereo (what the mix wants), 20 ms packets. */
  static Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    String server = server();
    if (server != null) o.put("server", server);
    o.put("sample_rate", "48000");
    o.put("channels", "2");
    // 20 ms (s16 stereo): left to the server, a record stream's fragments were ~2 s long (93600
    // samples a packet seen here), which is 2 s of latency and looks like a stall between packets
    o.put("fragment_size", Integer.toString(48000 / 50 * 2 * 2));
    return o;
  }

  /**
   * The server's sources, monitors included. Throws {@link IllegalStateException} with libpulse's
   * reason when the server cannot be reached.
   */
  public static List<Source> list() {
    Av.load();
    AVInputFormat pulse = av_find_input_format("pulse");
    if (pulse == null) throw new IllegalStateException("this FFmpeg build has no pulse input device");
    AVDictionary dict = new AVDictionary(null);
    String server = server();
    if (server != null) av_dict_set(dict, "server", server, 0);
    AVDeviceInfoList list = new AVDeviceInfoList(null);
    int n = avdevice_list_input_sources(pulse, (String) null, dict, list);
    av_dict_free(dict);
    // a server with no source at all answers ENOMEM through libavdevice (seen with PulseAudio 16 and
    // FFmpeg 8.1); an unreachable server answers with another error
    if (n == AVERROR_ENOMEM) return List.of();
    if (n < 0) {
      throw new IllegalStateException("cannot reach the PulseAudio server " + (server == null ? "(libpulse's default)" : server)
          + ": " + Av.error(n));
    }
    List<Source> sources = new ArrayList<>();
    try {
      for (int i = 0; i < list.nb_devices(); i++) {
        var info = list.devices(i);
        String name = info.device_name().getString();
        String description = info.device_description() == null ? name : info.device_description().getString();
        sources.add(new Source(name, description, name.endsWith(".monitor")));
      }
    } finally {
      avdevice_free_list_devices(list);
    }
    return sources;
  }

  /**
   * The name of the microphone {@code device} names (a source name, or its device id "pulse:NAME"),
   * checked against the server's list; null for the server's default source ("default").
   *
   * @throws IllegalArgumentException naming the server's microphones when it has no such source, or
   *     when the source is a monitor (what a sink plays)
   * @throws IllegalStateException when the server cannot be reached
   */
  public static String microphone(String device) {
    String name = device.startsWith("pulse:") ? device.substring("pulse:".length()) : device;
    if (ALIASES.contains(name)) return null;
    List<Source> sources = list();
    List<String> microphones = sources.stream().filter(s -> !s.monitor()).map(Source::name).toList();
    Source found = sources.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no PulseAudio source '" + name + "' on this sound server; its microphones: "
            + microphones));
    if (found.monitor()) {
      throw new IllegalArgumentException("'" + name + "' is a monitor (what a sink plays), not a microphone; the microphones: "
          + microphones);
    }
    return found.name();
  }

  /** Whether the server lists a source of this name (aliases such as "default" always count as present). */
  static boolean present(String name) {
    if (ALIASES.contains(name)) return true;
    try {
      return list().stream().anyMatch(s -> s.name().equals(name));
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** A clearer reason than libpulse's "Input/output error" for a source that did not open. */
  static String explainOpenFailure(String name, String ffmpegReason) {
    if (ALIASES.contains(name)) return ffmpegReason;
    try {
      List<Source> sources = list();
      if (sources.stream().noneMatch(s -> s.name().equals(name))) {
        return "no PulseAudio source '" + name + "' on this sound server; it has: "
            + sources.stream().map(Source::name).toList();
      }
      return ffmpegReason;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }
}
