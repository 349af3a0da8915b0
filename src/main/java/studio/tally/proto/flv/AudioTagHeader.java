package studio.tally.proto.flv;

import io.netty.buffer.ByteBuf;

/**
 * The header of an audio tag body (AUDIODATA), legacy or enhanced, and where the codec payload
 * starts.
 *
 * <p>Legacy, Adobe FLV spec v10.1 E.4.2.1:
 * <pre>
 * +----------------+--------+
 * |SF(4)|SR(2)|S|T | AACPacketType (SoundFormat 10, and 13 = Opus as SRS sends it) | payload
 * +----------------+--------+
 * SF SoundFormat, SR SoundRate (0 5.5k, 1 11k, 2 22k, 3 44 kHz), S SoundSize (0 8-bit, 1 16-bit),
 * T SoundType (0 mono, 1 stereo); AACPacketType 0 = AudioSpecificConfig, 1 = raw AAC
 * </pre>
 * Enhanced RTMP v2, "ExAudioTagHeader" (SoundFormat 9):
 * <pre>
 * +-------+-------+
 * | 9 (4) | PT(4) |  [ModEx: size UI8+1 (256 → UI16+1), data, modExType UB[4] | PT UB[4]]*
 * +-------+-------+  PT = Multitrack: type UB[4] | PT UB[4], FourCC unless ManyTracksManyCodecs,
 *                      then per track [FourCC] trackId UI8 [sizeOfAudioTrack UI24]
 *                    else FourCC UI32 ('Opus', 'mp4a', '.mp3', 'fLaC', 'ac-3', 'ec-3')
 * </pre>
 * For multitrack tags this describes the first track.
 *
 * @param soundFormat the legacy SoundFormat, or the FourCC as a big-endian int when enhanced
 * @param soundRate the legacy SoundRate index 0..3 (0 when enhanced)
 * @param sixteenBit legacy SoundSize
 * @param stereo legacy SoundType
 * @param trackId the multitrack track id, else -1
 * @param payloadOffset offset of the codec payload from the body's reader index
 */
public record AudioTagHeader(
    boolean enhanced,
    AudioCodec codec,
    int soundFormat,
    int soundRate,
    boolean sixteenBit,
    boolean stereo,
    AudioPacketType packetType,
    int trackId,
    int payloadOffset) {

  private static final int[] RATES = {5512, 11025, 22050, 44100};

  /** The legacy SoundRate in Hz (AAC always says 44100: the AudioSpecificConfig has the real one). */
  public int soundRateHz() {
    return enhanced ? 0 : RATES[soundRate];
  }

  /** Carries a decoder configuration (AudioSpecificConfig, OpusHead, ...). */
  public boolean isSequenceHeader() {
    return packetType == AudioPacketType.SEQUENCE_START;
  }

  /** The FourCC of an enhanced tag as text, else null. */
  public String fourCc() {
    return enhanced ? TagCursor.fourCcString(soundFormat) : null;
  }

  /** Parses the readable bytes of an audio tag body without moving its indexes. */
  public static AudioTagHeader parse(ByteBuf body) {
    TagCursor c = new TagCursor(body);
    int b0 = c.u8("AudioTagHeader");
    int format = b0 >>> 4;
    if (format == AudioCodec.EX_HEADER) {
      return parseEnhanced(c, b0);
    }
    AudioCodec codec = AudioCodec.ofSoundFormat(format);
    AudioPacketType packetType = AudioPacketType.CODED_FRAMES;
    if (codec == AudioCodec.AAC || codec == AudioCodec.OPUS) {
      int aacPacketType = c.u8("AACPacketType");
      if (aacPacketType > 1) {
        throw new FlvException("AACPacketType: reserved value " + aacPacketType);
      }
      packetType = aacPacketType == 0 ? AudioPacketType.SEQUENCE_START : AudioPacketType.CODED_FRAMES;
    }
    return new AudioTagHeader(false, codec, format, (b0 >>> 2) & 3, (b0 & 2) != 0, (b0 & 1) != 0, packetType, -1,
        c.offset());
  }

  private static AudioTagHeader parseEnhanced(TagCursor c, int b0) {
    AudioPacketType packetType = AudioPacketType.of(b0 & 0x0f);
    while (packetType == AudioPacketType.MOD_EX) {
      // Each round consumes at least two bytes, so this ends with the body.
      int size = c.u8("modExDataSize") + 1;
      if (size == 256) {
        size = c.u16("modExDataSize") + 1;
      }
      c.skip(size, "modExData");
      packetType = AudioPacketType.of(c.u8("modExType|AudioPacketType") & 0x0f);
    }
    int fourCc;
    int trackId = -1;
    if (packetType == AudioPacketType.MULTITRACK) {
      int b = c.u8("audioMultitrackType|AudioPacketType");
      int multitrackType = b >>> 4;
      if (multitrackType > 2) {
        throw new FlvException("audioMultitrackType: reserved value " + multitrackType);
      }
      packetType = AudioPacketType.of(b & 0x0f);
      if (packetType == AudioPacketType.MULTITRACK || packetType == AudioPacketType.MOD_EX) {
        throw new FlvException("AudioPacketType: " + packetType + " inside Multitrack");
      }
      fourCc = c.readFourCc("audioFourCc"); // in the header, or first in the track for ManyTracksManyCodecs
      trackId = c.u8("audioTrackId");
      if (multitrackType != 0) {
        int size = c.u24("sizeOfAudioTrack");
        if (size > c.remaining()) {
          throw new FlvException("sizeOfAudioTrack: " + size + " exceeds the " + c.remaining() + " bytes left");
        }
      }
    } else {
      fourCc = c.readFourCc("audioFourCc");
    }
    return new AudioTagHeader(true, AudioCodec.ofFourCc(fourCc), fourCc, 0, false, false, packetType, trackId,
        c.offset());
  }

  /** True if the body carries a decoder configuration. Never throws. */
  public static boolean isSequenceHeader(ByteBuf body) {
    if (body.readableBytes() < 2) {
      return false;
    }
    int format = body.getUnsignedByte(body.readerIndex()) >>> 4;
    if (format == AudioCodec.AAC.soundFormat() || format == AudioCodec.OPUS.soundFormat()) {
      return body.getByte(body.readerIndex() + 1) == 0;
    }
    if (format != AudioCodec.EX_HEADER) {
      return false;
    }
    try {
      return parse(body).isSequenceHeader();
    } catch (FlvException e) {
      return false;
    }
  }
}
