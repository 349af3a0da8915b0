package studio.tally.proto.flv;

/**
 * Video codecs an FLV/RTMP video tag can announce: the legacy CodecID (FLV spec E.4.3.1, plus the
 * non-standard 12 = HEVC and 13 = AV1 that some Chinese CDNs and SRS use) or the Enhanced RTMP
 * FourCC. {@link #apiName} is the name the SRS-compatible stream API reports.
 */
public enum VideoCodec {
  SORENSON_H263("H263", 2, null),
  SCREEN("Screen", 3, null),
  VP6("VP6", 4, null),
  VP6_ALPHA("VP6A", 5, null),
  SCREEN_V2("ScreenV2", 6, null),
  AVC("H264", 7, "avc1"),
  HEVC("H265", 12, "hvc1"),
  AV1("AV1", 13, "av01"),
  VP8("VP8", -1, "vp08"),
  VP9("VP9", -1, "vp09"),
  /** A reserved legacy CodecID or an unknown FourCC. */
  UNKNOWN("Unknown", -1, null);

  private final String apiName;
  private final int legacyId;
  private final String fourCc;

  VideoCodec(String apiName, int legacyId, String fourCc) {
    this.apiName = apiName;
    this.legacyId = legacyId;
    this.fourCc = fourCc;
  }

  public String apiName() {
    return apiName;
  }

  /** The legacy CodecID, or -1 if the codec only exists as a FourCC. */
  public int legacyId() {
    return legacyId;
  }

  /** The Enhanced RTMP FourCC, or null. */
  public String fourCc() {
    return fourCc;
  }

  public static VideoCodec ofLegacyId(int id) {
    for (VideoCodec c : values()) {
      if (c.legacyId == id) {
        return c;
      }
    }
    return UNKNOWN;
  }

  public static VideoCodec ofFourCc(int fourCc) {
    for (VideoCodec c : values()) {
      if (c.fourCc != null && TagCursor.fourCcOf(c.fourCc) == fourCc) {
        return c;
      }
    }
    return UNKNOWN;
  }

  /** Legacy codecs whose tags carry AVCPacketType + CompositionTime (AVC and its HEVC/AV1 clones). */
  boolean hasAvcStyleHeader() {
    return this == AVC || this == HEVC || this == AV1;
  }
}
