package studio.tally.proto.flv;

/**
 * Audio codecs an FLV/RTMP audio tag can announce: the legacy SoundFormat (FLV spec E.4.2.1, plus
 * the non-standard 13 = Opus SRS uses) or the Enhanced RTMP v2 audio FourCC (SoundFormat 9).
 * {@link #apiName} is the name the SRS-compatible stream API reports.
 */
public enum AudioCodec {
  LPCM_PLATFORM_ENDIAN("PCM", 0, null),
  ADPCM("ADPCM", 1, null),
  MP3("MP3", 2, ".mp3"),
  LPCM_LITTLE_ENDIAN("PCM", 3, null),
  NELLYMOSER_16K_MONO("Nellymoser", 4, null),
  NELLYMOSER_8K_MONO("Nellymoser", 5, null),
  NELLYMOSER("Nellymoser", 6, null),
  G711_ALAW("PCMA", 7, null),
  G711_MULAW("PCMU", 8, null),
  AAC("AAC", 10, "mp4a"),
  SPEEX("Speex", 11, null),
  OPUS("Opus", 13, "Opus"),
  MP3_8K("MP3", 14, null),
  DEVICE_SPECIFIC("DeviceSpecific", 15, null),
  AC3("AC3", -1, "ac-3"),
  EAC3("EAC3", -1, "ec-3"),
  FLAC("FLAC", -1, "fLaC"),
  /** A reserved SoundFormat or an unknown FourCC. */
  UNKNOWN("Unknown", -1, null);

  /** SoundFormat value that announces an ExAudioTagHeader. */
  public static final int EX_HEADER = 9;

  private final String apiName;
  private final int soundFormat;
  private final String fourCc;

  AudioCodec(String apiName, int soundFormat, String fourCc) {
    this.apiName = apiName;
    this.soundFormat = soundFormat;
    this.fourCc = fourCc;
  }

  public String apiName() {
    return apiName;
  }

  /** The legacy SoundFormat, or -1 if the codec only exists as a FourCC. */
  public int soundFormat() {
    return soundFormat;
  }

  /** The Enhanced RTMP FourCC, or null. */
  public String fourCc() {
    return fourCc;
  }

  public static AudioCodec ofSoundFormat(int format) {
    for (AudioCodec c : values()) {
      if (c.soundFormat == format) {
        return c;
      }
    }
    return UNKNOWN;
  }

  public static AudioCodec ofFourCc(int fourCc) {
    for (AudioCodec c : values()) {
      if (c.fourCc != null && TagCursor.fourCcOf(c.fourCc) == fourCc) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
