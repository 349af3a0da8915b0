package studio.tally.live;

import studio.tally.config.StudioSettings;

/** What the studio tells its listener, on the executor given to {@link Studio#open}. */
public sealed interface StudioEvent {

  /** A new snapshot; sent at most a few times a second (coalesced: a slow listener sees the latest). */
  record StatusChanged(StudioStatus status) implements StudioEvent {}

  /** The settings changed (an edit was applied and saved); the UI may refresh its forms. */
  record SettingsChanged(StudioSettings settings) implements StudioEvent {}

  /**
   * Something a streamer should read: a destination failed, the encoder fell back, the server could
   * not start, settings could not be saved. Never a stack trace, never a stream key.
   */
  record Notice(Severity severity, String message) implements StudioEvent {}

  enum Severity { INFO, WARNING, ERROR }
}
