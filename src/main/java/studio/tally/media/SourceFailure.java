package studio.tally.media;

/**
 * A source that failed while the session ran (device unplugged, capture error). The session keeps
 * going: the input stays in the scene, now fed by black picture or silence of the same shape.
 *
 * @param kind video or audio input
 * @param input the input's id
 * @param source the source's name ("x11grab :99.0+0,0")
 * @param reason what FFmpeg (or the source) said
 * @param atMicros session time of the failure
 */
public record SourceFailure(Kind kind, int input, String source, String reason, long atMicros) {

  /** Which list the input is in. */
  public enum Kind { VIDEO, AUDIO }

  /** One line for a user: "video source x11grab :99.0 failed: ...; showing black". */
  public String message() {
    return (kind == Kind.VIDEO ? "video" : "audio") + " source " + source + " failed: " + reason
        + (kind == Kind.VIDEO ? "; showing black" : "; silent");
  }
}
