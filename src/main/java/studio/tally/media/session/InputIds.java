package studio.tally.media.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ids of a session's video or audio inputs as the API sees them (the scene thread applies the
 * changes a little later): ids are handed out once and never reused, so an id held by a UI stays
 * valid until that input is removed.
 */
final class InputIds {
  private final String kind;
  private final CopyOnWriteArrayList<Integer> ids = new CopyOnWriteArrayList<>();
  private int next;

  /** kind: "video" or "audio", for messages; the first count inputs get ids 0..count-1. */
  InputIds(String kind, int count) {
    this.kind = kind;
    for (int i = 0; i < count; i++) ids.add(next++);
  }

  /** A new id, listed at once (callers hold the session lock). */
  int add() {
    int id = next++;
    ids.add(id);
    return id;
  }

  void remove(int id) {
    ids.remove(Integer.valueOf(id));
  }

  int size() {
    return ids.size();
  }

  /** Throws IllegalArgumentException naming the inputs there are when id is not one of them. */
  void check(int id) {
    if (!ids.contains(id)) throw new IllegalArgumentException("no " + kind + " input " + id + " (" + kind + " inputs: " + ids + ")");
  }

  List<Integer> list() {
    return List.copyOf(ids);
  }
}
