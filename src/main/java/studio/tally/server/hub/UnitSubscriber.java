package studio.tally.server.hub;

import io.netty.util.concurrent.EventExecutor;

/** Puts a {@link UnitReader} among a stream's players: each tag it is given is mapped on the reader's loop. */
final class UnitSubscriber implements Subscriber {
  private final UnitReader reader;
  private final FlvUnits units = new FlvUnits();

  UnitSubscriber(UnitReader reader) {
    this.reader = reader;
  }

  @Override
  public EventExecutor executor() {
    return reader.executor();
  }

  @Override
  public long pendingBytes() {
    return 0; // a reader converts inline and keeps no backlog of its own
  }

  @Override
  public void write(MediaTag tag) {
    switch (units.map(tag)) {
      case FlvUnits.Track(MediaTrack track) -> reader.onTrack(track);
      case FlvUnits.Unit(AccessUnit unit) -> reader.onUnit(unit);
      case FlvUnits.Nothing() -> { }
    }
  }

  @Override
  public void flush() {
    // nothing buffered
  }

  @Override
  public void end(EndReason reason) {
    reader.onEnd(reason);
  }
}
