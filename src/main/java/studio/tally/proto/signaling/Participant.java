package studio.tally.proto.signaling;

import java.util.Objects;

/** One member of a room as SRS lists it: {@code {"display":"alice","publishing":false}}. */
public record Participant(String display, boolean publishing) {
  public Participant {
    Objects.requireNonNull(display, "display");
  }
}
