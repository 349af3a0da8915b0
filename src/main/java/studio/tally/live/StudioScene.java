package studio.tally.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.VideoSettings;
import studio.tally.media.AudioLevel;
import studio.tally.media.MediaException;
import studio.tally.media.session.MediaSession;
import studio.tally.media.SessionClock;
import studio.tally.media.SourceFailure;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.AudioSource;
import studio.tally.media.capture.DeviceCatalog;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.capture.VideoSource;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor;

/**
 * The running scene: the settings' sources opened into one preview-only {@link MediaSession}, by
 * source id. A source that cannot open is left out and its reason kept; when no video source opens,
 * a test pattern stands in (a session needs a picture, and a stream must never be empty).
 * Called from the studio's command thread only (the failure callback excepted).
 */
final class StudioScene implements AutoCloseable {
  private static final String STAND_IN = "stand-in test pattern";

  private record Input(boolean video, int id) {}

  private final SessionClock clock;
  private final VideoFormat format;
  private final Supplier<List<AvailableDevice>> devices;
  private final MediaSession session;
  private final Map<String, Input> inputs = new ConcurrentHashMap<>(); // read by the failure callback
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  // sources that recover by themselves (devices): their passing problem shows in place
  private final Map<String, Recovering> recovering = new ConcurrentHashMap<>();
  private final Map<String, String> said = new ConcurrentHashMap<>();
  private Integer standIn;

  private StudioScene(SessionClock clock, VideoFormat format, Supplier<List<AvailableDevice>> devices,
      List<SceneSource> sources, BiConsumer<String, String> onFailure) {
    this.clock = clock;
    this.format = format;
    this.devices = devices;
    List<SceneCompositor.VideoInput> video = new ArrayList<>();
    List<SceneCompositor.AudioInput> audio = new ArrayList<>();
    Map<String, Input> opened = new LinkedHashMap<>();
    for (SceneSource s : sources) {
      try {
        if (s.kind().isVideo()) {
          VideoSource v = openVideo(s);
          recovering.put(s.id(), Recovering.of(v));
          video.add(new SceneCompositor.VideoInput(v, layer(s.placement())));
          opened.put(s.id(), new Input(true, video.size() - 1));
        } else {
          AudioSource a = openAudio(s);
          recovering.put(s.id(), Recovering.of(a));
          audio.add(new SceneCompositor.AudioInput(a, s.gainDb(), s.muted()));
          opened.put(s.id(), new Input(false, audio.size() - 1));
        }
      } catch (MediaException | IllegalArgumentException e) {
        problems.put(s.id(), e.getMessage());
      }
    }
    if (video.isEmpty()) {
      video.add(new SceneCompositor.VideoInput(new TestPattern(STAND_IN, format, clock), Layer.FULL));
      standIn = 0;
    }
    session = MediaSession.open(clock, new MediaSession.Scene(format, video, audio, 0));
    inputs.putAll(opened);
    session.onSourceFailure(f -> sourceOf(f).ifPresent(id -> {
      problems.put(id, f.reason());
      onFailure.accept(id, f.message());
    }));
  }

  /** Opens sources in settings order (the first video source at the bottom). */
  static StudioScene open(SessionClock clock, VideoSettings video, List<SceneSource> sources,
      Supplier<List<AvailableDevice>> devices, BiConsumer<String, String> onFailure) {
    return new StudioScene(clock, new VideoFormat(video.width(), video.height(), video.fps()), devices, sources, onFailure);
  }

  MediaSession session() {
    return session;
  }

  /**
   * Why a source is not in the picture/mix, or why it is silent for now (a stalled or disconnected
   * device, which comes back by itself), or null.
   */
  String problem(String sourceId) {
    String p = problems.get(sourceId);
    if (p != null) return p;
    Recovering r = recovering.get(sourceId);
    return r == null ? null : r.problem().get();
  }

  /** Tells onChange (source id, message) of each device that stalled, went away or came back since the last call. */
  void reportPassingProblems(BiConsumer<String, String> onChange) {
    recovering.forEach((id, a) -> {
      String now = a.problem().get();
      String before = said.get(id);
      if (java.util.Objects.equals(now, before)) return;
      if (now == null) {
        said.remove(id);
        onChange.accept(id, a.name() + ": capturing again");
      } else {
        said.put(id, now);
        onChange.accept(id, a.name() + ": " + now + "; " + a.meanwhile(now));
      }
    });
  }

  /** Meter of an audio source, empty for video or sources that did not open. */
  Optional<AudioLevel> level(String sourceId, List<AudioLevel> levels) {
    Input in = inputs.get(sourceId);
    if (in == null || in.video()) return Optional.empty();
    return levels.stream().filter(l -> l.input() == in.id()).findFirst();
  }

  /** Opens and adds s on top; a source that cannot open is remembered with its reason, not thrown. */
  void add(SceneSource s) {
    problems.remove(s.id());
    try {
      if (s.kind().isVideo()) {
        VideoSource v = openVideo(s);
        int id = session.addVideoInput(new SceneCompositor.VideoInput(v, layer(s.placement())));
        inputs.put(s.id(), new Input(true, id));
        recovering.put(s.id(), Recovering.of(v));
        if (standIn != null) {
          session.removeVideoInput(standIn);
          standIn = null;
        }
      } else {
        AudioSource a = openAudio(s);
        int id = session.addAudioInput(new SceneCompositor.AudioInput(a, s.gainDb(), s.muted()));
        inputs.put(s.id(), new Input(false, id));
        recovering.put(s.id(), Recovering.of(a));
      }
    } catch (MediaException | IllegalArgumentException e) {
      problems.put(s.id(), e.getMessage());
    }
  }

  void remove(String sourceId) {
    problems.remove(sourceId);
    recovering.remove(sourceId);
    said.remove(sourceId);
    Input in = inputs.remove(sourceId);
    if (in == null) return;
    if (in.video()) {
      if (session.videoInputs().size() == 1) { // a session keeps a picture: the test pattern takes over
        standIn = session.addVideoInput(new SceneCompositor.VideoInput(new TestPattern(STAND_IN, format, clock), Layer.FULL));
      }
      session.removeVideoInput(in.id());
    } else {
      session.removeAudioInput(in.id());
    }
  }

  void setPlacement(String sourceId, Placement p) {
    Input in = inputs.get(sourceId);
    if (in != null && in.video()) session.setLayer(in.id(), layer(p));
  }

  void setGain(String sourceId, double db) {
    Input in = inputs.get(sourceId);
    if (in != null && !in.video()) session.setGain(in.id(), db);
  }

  void setMuted(String sourceId, boolean muted) {
    Input in = inputs.get(sourceId);
    if (in != null && !in.video()) session.setMuted(in.id(), muted);
  }

  private Optional<String> sourceOf(SourceFailure f) {
    boolean video = f.kind() == SourceFailure.Kind.VIDEO;
    return inputs.entrySet().stream().filter(e -> e.getValue().video() == video && e.getValue().id() == f.input())
        .map(Map.Entry::getKey).findFirst();
  }

  private VideoSource openVideo(SceneSource s) {
    return switch (s.kind()) {
      case TEST_PATTERN -> new TestPattern("test pattern", format, clock);
      case SCREEN, CAMERA -> DeviceCatalog.openVideo(deviceOf(s), format.fps(), s.kind() == SceneSource.Kind.SCREEN ? s.region() : null);
      default -> throw new IllegalArgumentException(s.kind().wireName() + " is not a video source");
    };
  }

  private AudioSource openAudio(SceneSource s) {
    return switch (s.kind()) {
      case TONE -> new TestTone(clock);
      case MIC, DESKTOP_AUDIO -> DeviceCatalog.openAudio(deviceOf(s), clock);
      default -> throw new IllegalArgumentException(s.kind().wireName() + " is not an audio source");
    };
  }

  /** The source's device, or the first openable one of its kind (desktop audio: the default monitor). */
  private String deviceOf(SceneSource s) {
    if (s.deviceId() != null) return s.deviceId();
    if (s.kind() == SceneSource.Kind.DESKTOP_AUDIO) return "pulse:@DEFAULT_MONITOR@";
    return devices.get().stream().filter(d -> d.kind() == s.kind() && d.openable()).map(AvailableDevice::deviceId)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("this machine has no " + s.kind().wireName() + " that opens"));
  }

  static Layer layer(Placement p) {
    return new Layer(p.x(), p.y(), p.width(), p.height());
  }

  Map<String, String> problems() {
    return new HashMap<>(problems);
  }

  @Override
  public void close() {
    session.close();
  }

  /** A device source's passing problem (stalled, disconnected), and what the scene does meanwhile. */
  private record Recovering(String name, Supplier<String> problem, boolean video) {
    static Recovering of(AudioSource a) {
      return new Recovering(a.name(), a::problem, false);
    }

    static Recovering of(VideoSource v) {
      return new Recovering(v.name(), v::problem, true);
    }

    /** A stalled picture stays; a disconnected device shows black until it is back. */
    String meanwhile(String problem) {
      if (!video) return "silent meanwhile";
      return VideoSource.meanwhile(problem);
    }
  }
}
