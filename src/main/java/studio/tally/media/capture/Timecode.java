package studio.tally.media.capture;

/** What {@link TimecodeReader} read from a picture: frame number and capture wall-clock ms. */
public record Timecode(long frame, long wallMillis) {}
