package studio.tally.server.bridge;

/** The audio codecs the bridge converts between. */
public enum AudioCodecId {
  /** AAC (raw access units, no ADTS), as carried in FLV/RTMP. */
  AAC,
  /** Opus (one packet per unit), as carried in RTP (RFC 7587). */
  OPUS
}
