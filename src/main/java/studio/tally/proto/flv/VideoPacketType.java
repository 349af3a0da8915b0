package studio.tally.proto.flv;

/**
 * Enhanced RTMP VideoPacketType UB[4]. Legacy AVCPacketType maps onto the first three
 * (0 sequence header, 1 NALU, 2 end of sequence); other legacy codecs are CODED_FRAMES.
 */
public enum VideoPacketType {
  SEQUENCE_START,
  CODED_FRAMES,
  SEQUENCE_END,
  /** Coded frames with an implicit composition time of 0. */
  CODED_FRAMES_X,
  /** AMF-encoded metadata (e.g. colorInfo), no video. */
  METADATA,
  MPEG2TS_SEQUENCE_START,
  MULTITRACK,
  MOD_EX;

  static VideoPacketType of(int v) {
    if (v < 0 || v >= values().length) {
      throw new FlvException("VideoPacketType: reserved value " + v);
    }
    return values()[v];
  }
}
