package studio.tally.proto.flv;

/**
 * Enhanced RTMP v2 AudioPacketType UB[4] (3 and 6 are reserved). Legacy AACPacketType maps to
 * SEQUENCE_START (0, AudioSpecificConfig) and CODED_FRAMES (1, raw); other legacy formats are
 * CODED_FRAMES.
 */
public enum AudioPacketType {
  SEQUENCE_START(0),
  CODED_FRAMES(1),
  SEQUENCE_END(2),
  MULTICHANNEL_CONFIG(4),
  MULTITRACK(5),
  MOD_EX(7);

  private final int value;

  AudioPacketType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  static AudioPacketType of(int v) {
    for (AudioPacketType t : values()) {
      if (t.value == v) {
        return t;
      }
    }
    throw new FlvException("AudioPacketType: reserved value " + v);
  }
}
