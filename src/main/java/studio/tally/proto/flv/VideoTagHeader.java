package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;

/**
 * The header of a video tag body (VIDEODATA), legacy or enhanced, and where the codec payload starts.
 *
 * <p>Legacy, Adobe FLV spec v10.1 E.4.3.1 (AVC; also CodecID 12 HEVC and 13 AV1 as SRS and some
 * CDNs send them):
 * <pre>
 * +--------+--------+--------+--------+--------+
 * |FT(4)|ID(4)| AVCPacketType | CompositionTime SI24 |  payload (AVCDecoderConfigurationRecord or AVCC NALUs)
 * +--------+--------+--------+--------+--------+
 * </pre>
 * Enhanced RTMP v2 (veovera), "ExVideoTagHeader":
 * <pre>
 * +-+-----+-------+
 * |1|FT(3)|PT(4)  |  [ModEx: size UI8+1 (256 → UI16+1), data, modExType UB[4] | PT UB[4]]*
 * +-+-----+-------+  FT = 5 and PT != Metadata: VideoCommand UI8, no FourCC, no body
 *                    PT = Multitrack: type UB[4] | PT UB[4], FourCC unless ManyTracksManyCodecs,
 *                      then per track [FourCC] trackId UI8 [sizeOfVideoTrack UI24]
 *                    else FourCC UI32
 *                    body: PT = CodedFrames and FourCC avc1/hvc1: CompositionTime SI24
 * </pre>
 * For multitrack tags this describes the first track; {@link #payloadOffset} points at its data.
 *
 * @param enhanced the IsExHeader bit was set
 * @param codecId the legacy CodecID, or the FourCC as a big-endian int when enhanced
 * @param command VideoCommand (0 start seek, 1 end seek) of a command frame, else -1
 * @param trackId the multitrack track id, else -1
 * @param compositionTime composition time offset in ms (0 when absent)
 * @param payloadOffset offset of the codec payload from the body's reader index
 */
public record VideoTagHeader(
    boolean enhanced,
    VideoFrameType frameType,
    VideoCodec codec,
    int codecId,
    VideoPacketType packetType,
    int compositionTime,
    int command,
    int trackId,
    int payloadOffset) {

  /** Carries a decoder configuration (AVCDecoderConfigurationRecord, hvcC, av1C, vpcC). */
  public boolean isSequenceHeader() {
    return packetType == VideoPacketType.SEQUENCE_START || packetType == VideoPacketType.MPEG2TS_SEQUENCE_START;
  }

  /** A coded key frame (not a sequence header, not a command). */
  public boolean isKeyframe() {
    return (frameType == VideoFrameType.KEY || frameType == VideoFrameType.GENERATED_KEY)
        && (packetType == VideoPacketType.CODED_FRAMES || packetType == VideoPacketType.CODED_FRAMES_X);
  }

  /** Carries coded video. */
  public boolean isCodedFrame() {
    return command < 0 && (packetType == VideoPacketType.CODED_FRAMES || packetType == VideoPacketType.CODED_FRAMES_X);
  }

  /** The FourCC of an enhanced tag as text, else null. */
  public String fourCc() {
    return enhanced ? TagCursor.fourCcString(codecId) : null;
  }

  /** Parses the readable bytes of a video tag body without moving its indexes. */
  public static VideoTagHeader parse(ByteBuf body) {
    TagCursor c = new TagCursor(body);
    int b0 = c.u8("VideoTagHeader");
    if ((b0 & 0x80) != 0) {
      return parseEnhanced(c, b0);
    }
    VideoFrameType frameType = VideoFrameType.of(b0 >>> 4);
    int codecId = b0 & 0x0f;
    VideoCodec codec = VideoCodec.ofLegacyId(codecId);
    if (frameType == VideoFrameType.COMMAND) {
      int command = c.remaining() > 0 ? c.u8("VideoCommand") : -1;
      return new VideoTagHeader(false, frameType, codec, codecId, VideoPacketType.CODED_FRAMES, 0,
          command, -1, c.offset());
    }
    if (!codec.hasAvcStyleHeader()) {
      return new VideoTagHeader(false, frameType, codec, codecId, VideoPacketType.CODED_FRAMES, 0, -1, -1, 1);
    }
    int avcPacketType = c.u8("AVCPacketType");
    if (avcPacketType > 2) {
      throw new FlvException("AVCPacketType: reserved value " + avcPacketType);
    }
    int cts = c.si24("CompositionTime");
    return new VideoTagHeader(false, frameType, codec, codecId, VideoPacketType.of(avcPacketType), cts, -1, -1,
        c.offset());
  }

  private static VideoTagHeader parseEnhanced(TagCursor c, int b0) {
    VideoFrameType frameType = VideoFrameType.of((b0 >>> 4) & 0x07);
    VideoPacketType packetType = VideoPacketType.of(b0 & 0x0f);
    while (packetType == VideoPacketType.MOD_EX) {
      // Each round consumes at least two bytes, so this ends with the body.
      int size = c.u8("modExDataSize") + 1;
      if (size == 256) {
        size = c.u16("modExDataSize") + 1;
      }
      c.skip(size, "modExData");
      packetType = VideoPacketType.of(c.u8("modExType|VideoPacketType") & 0x0f);
    }
    if (packetType != VideoPacketType.METADATA && frameType == VideoFrameType.COMMAND) {
      int command = c.u8("VideoCommand");
      return new VideoTagHeader(true, frameType, VideoCodec.UNKNOWN, 0, packetType, 0, command, -1, c.offset());
    }
    int fourCc = 0;
    int trackId = -1;
    if (packetType == VideoPacketType.MULTITRACK) {
      int b = c.u8("videoMultitrackType|VideoPacketType");
      int multitrackType = b >>> 4;
      if (multitrackType > 2) {
        throw new FlvException("videoMultitrackType: reserved value " + multitrackType);
      }
      packetType = VideoPacketType.of(b & 0x0f);
      if (packetType == VideoPacketType.MULTITRACK || packetType == VideoPacketType.MOD_EX) {
        throw new FlvException("VideoPacketType: " + packetType + " inside Multitrack");
      }
      if (multitrackType != 2) {
        fourCc = c.readFourCc("videoFourCc");
      } else {
        fourCc = c.readFourCc("videoFourCc (track)");
      }
      trackId = c.u8("videoTrackId");
      if (multitrackType != 0) {
        int size = c.u24("sizeOfVideoTrack");
        if (size > c.remaining()) {
          throw new FlvException("sizeOfVideoTrack: " + size + " exceeds the " + c.remaining() + " bytes left");
        }
      }
    } else {
      fourCc = c.readFourCc("videoFourCc");
    }
    VideoCodec codec = VideoCodec.ofFourCc(fourCc);
    int cts = 0;
    if (packetType == VideoPacketType.CODED_FRAMES && (codec == VideoCodec.AVC || codec == VideoCodec.HEVC)) {
      cts = c.si24("CompositionTime");
    }
    return new VideoTagHeader(true, frameType, codec, fourCc, packetType, cts, -1, trackId, c.offset());
  }

  /** True if the body is a coded key frame. Never throws: malformed bodies are not keyframes. */
  public static boolean isKeyframe(ByteBuf body) {
    if (!body.isReadable()) {
      return false;
    }
    int b0 = body.getUnsignedByte(body.readerIndex());
    if ((b0 & 0x80) == 0 && (b0 >>> 4) == 1 && !VideoCodec.ofLegacyId(b0 & 0x0f).hasAvcStyleHeader()) {
      return true; // legacy non-AVC key frame: no packet type
    }
    try {
      return parse(body).isKeyframe();
    } catch (FlvException e) {
      return false;
    }
  }

  /** True if the body carries a decoder configuration. Never throws. */
  public static boolean isSequenceHeader(ByteBuf body) {
    if (body.readableBytes() < 2) {
      return false;
    }
    int b0 = body.getUnsignedByte(body.readerIndex());
    if ((b0 & 0x80) == 0) {
      return VideoCodec.ofLegacyId(b0 & 0x0f).hasAvcStyleHeader() && (b0 >>> 4) != 5
          && body.getByte(body.readerIndex() + 1) == 0;
    }
    try {
      return parse(body).isSequenceHeader();
    } catch (FlvException e) {
      return false;
    }
  }
}
