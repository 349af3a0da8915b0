package studio.tally.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything the studio remembers between runs; stored as JSON by {@link SettingsStore}. Immutable:
 * edits make a new value ({@code with...}).
 */
public record StudioSettings(VideoSettings video, RecordingSettings recording, ServerSettings server,
    List<Destination> destinations, List<SceneSource> scene) {

  public StudioSettings {
    video = Objects.requireNonNullElse(video, VideoSettings.DEFAULT);
    recording = Objects.requireNonNullElseGet(recording, RecordingSettings::defaults);
    server = Objects.requireNonNullElse(server, ServerSettings.DEFAULT);
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
    scene = scene == null ? List.of() : List.copyOf(scene);
    if (destinations.stream().map(Destination::id).distinct().count() != destinations.size()) {
      throw new IllegalArgumentException("two destinations have the same id");
    }
    if (scene.stream().map(SceneSource::id).distinct().count() != scene.size()) {
      throw new IllegalArgumentException("two scene sources have the same id");
    }
  }

  /**
   * First-run settings around {@code scene}: 1280x720 at 30 fps, the embedded server on its
   * default ports and a "Local server" destination publishing to it with the key "studio".
   */
  public static StudioSettings defaults(List<SceneSource> scene) {
    return new StudioSettings(VideoSettings.DEFAULT, RecordingSettings.defaults(), ServerSettings.DEFAULT,
        List.of(Destination.local(ServerSettings.DEFAULT.rtmpListen())), scene);
  }

  /** First-run settings with the scene that works everywhere: test pattern and tone. */
  public static StudioSettings defaults() {
    return defaults(testScene());
  }

  /** The never-empty scene: test pattern (full frame) and tone. */
  public static List<SceneSource> testScene() {
    return List.of(SceneSource.video(SceneSource.Kind.TEST_PATTERN, null, Placement.FULL),
        SceneSource.audio(SceneSource.Kind.TONE, null));
  }

  public StudioSettings withVideo(VideoSettings v) {
    return new StudioSettings(v, recording, server, destinations, scene);
  }

  public StudioSettings withRecording(RecordingSettings r) {
    return new StudioSettings(video, r, server, destinations, scene);
  }

  /**
   * New server settings; the "Local server" destination follows the RTMP listener so it keeps
   * pointing at the embedded server.
   */
  public StudioSettings withServer(ServerSettings s) {
    List<Destination> ds = destinations.stream()
        .map(d -> d.id().equals(Destination.LOCAL_ID) && d.serverUrl().startsWith("rtmp://")
            ? d.withServerUrl(Destination.local(s.rtmpListen()).serverUrl()) : d)
        .toList();
    return new StudioSettings(video, recording, s, ds, scene);
  }

  public StudioSettings withDestinations(List<Destination> d) {
    return new StudioSettings(video, recording, server, d, scene);
  }

  public StudioSettings withScene(List<SceneSource> s) {
    return new StudioSettings(video, recording, server, destinations, s);
  }

  /** Adds {@code d}, or replaces the destination with its id. */
  public StudioSettings withDestination(Destination d) {
    List<Destination> list = new ArrayList<>(destinations);
    int i = indexOf(list.stream().map(Destination::id).toList(), d.id());
    if (i >= 0) list.set(i, d);
    else list.add(d);
    return withDestinations(list);
  }

  public StudioSettings withoutDestination(String id) {
    return withDestinations(destinations.stream().filter(d -> !d.id().equals(id)).toList());
  }

  /** Adds {@code s} at the top of the scene, or replaces the source with its id in place. */
  public StudioSettings withSource(SceneSource s) {
    List<SceneSource> list = new ArrayList<>(scene);
    int i = indexOf(list.stream().map(SceneSource::id).toList(), s.id());
    if (i >= 0) list.set(i, s);
    else list.add(s);
    return withScene(list);
  }

  public StudioSettings withoutSource(String id) {
    return withScene(scene.stream().filter(s -> !s.id().equals(id)).toList());
  }

  /** Applies {@code edit} to the source with {@code id}; unknown ids fail with the id. */
  public StudioSettings editSource(String id, UnaryOperator<SceneSource> edit) {
    return withSource(edit.apply(source(id)));
  }

  public SceneSource source(String id) {
    return scene.stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no scene source with id '" + id + "'"));
  }

  public Destination destination(String id) {
    return destinations.stream().filter(d -> d.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no destination with id '" + id + "'"));
  }

  private static int indexOf(List<String> ids, String id) {
    return ids.indexOf(id);
  }
}
