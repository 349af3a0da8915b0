package studio.tally.live;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import studio.tally.config.Destination;
import studio.tally.config.Placement;
import studio.tally.config.SceneSource;
import studio.tally.config.StudioSettings;

/** The studio's state and command thread behind {@link Studio} (implementation in progress). */
final class StudioEngine implements AutoCloseable {

  static StudioEngine open(StudioSettings settings, Path profileDir, Executor eventExecutor) {
    throw new UnsupportedOperationException("in progress");
  }

  interface Command {
    void run() throws Exception;
  }

  CompletableFuture<Void> command(Command c) {
    throw new UnsupportedOperationException("in progress");
  }

  void addListener(Consumer<StudioEvent> l) {}

  void removeListener(Consumer<StudioEvent> l) {}

  StudioSettings settings() {
    throw new UnsupportedOperationException("in progress");
  }

  StudioStatus status() {
    throw new UnsupportedOperationException("in progress");
  }

  void setPreview(PreviewListener listener, int width, int height) {}

  void startStreaming() {}

  void stopStreaming() {}

  void startRecording() {}

  void stopRecording() {}

  void addSource(SceneSource s) {}

  void removeSource(String id) {}

  void setPlacement(String id, Placement p) {}

  void setGain(String id, double db) {}

  void setMuted(String id, boolean m) {}

  void putDestination(Destination d) {}

  void removeDestination(String id) {}

  void setDestinationEnabled(String id, boolean on) {}

  void applySettings(StudioSettings s) {}

  @Override
  public void close() {}
}
