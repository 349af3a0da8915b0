package studio.tally.proto.flv;

/** VideoFrameType UB[3]/UB[4] (FLV spec E.4.3.1, Enhanced RTMP v2 "Enhanced Video"). */
public enum VideoFrameType {
  KEY(1),
  INTER(2),
  /** H.263 only. */
  DISPOSABLE_INTER(3),
  /** Reserved for server use. */
  GENERATED_KEY(4),
  /** Video info / command frame: no video data. */
  COMMAND(5);

  private final int value;

  VideoFrameType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  static VideoFrameType of(int v) {
    return switch (v) {
      case 1 -> KEY;
      case 2 -> INTER;
      case 3 -> DISPOSABLE_INTER;
      case 4 -> GENERATED_KEY;
      case 5 -> COMMAND;
      default -> throw new FlvException("VideoFrameType: reserved value " + v);
    };
  }
}
