package studio.tally.proto.av1;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.bits.BitReader;
import studio.tally.proto.bits.BitstreamException;

/**
 * AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding v1.2.0 §2.3.3): the body of
 * an Enhanced RTMP 'av01' sequence start and of the MP4 {@code av1C} box.
 *
 * <pre>
 * +-+-------------+-----+---------+-+-+-+-+-+-+---+-----+-+-------+
 * |1| version = 1 |prof | level0  |T|H|W|M|X|Y|CSP|  0  |D| delay |  configOBUs ...
 * +-+-------------+-----+---------+-+-+-+-+-+-+---+-----+-+-------+
 * marker u(1) version u(7) seq_profile u(3) seq_level_idx_0 u(5) seq_tier_0 u(1) high_bitdepth u(1)
 * twelve_bit u(1) monochrome u(1) chroma_subsampling_x u(1) chroma_subsampling_y u(1)
 * chroma_sample_position u(2) reserved u(3) initial_presentation_delay_present u(1) u(4)
 * configOBUs: zero or more OBUs, normally one sequence header OBU
 * </pre>
 *
 * @param sequenceHeader the sequence header OBU from configOBUs, parsed, or null if there is none
 */
public record Av1CodecConfigurationRecord(
    int seqProfile,
    int seqLevelIdx0,
    boolean seqTier0,
    int bitDepth,
    boolean monochrome,
    boolean chromaSubsamplingX,
    boolean chromaSubsamplingY,
    Av1SequenceHeader sequenceHeader) {

  /** Level as text: seq_level_idx 0 is "2.0", 5 is "3.1", 8 is "4.0" (AV1 §A.3). */
  public String levelName() {
    return Av1SequenceHeader.levelName(seqLevelIdx0);
  }

  /** Profile name (AV1 §A.2): "Main", "High", "Professional". */
  public String profileName() {
    return Av1SequenceHeader.profileName(seqProfile);
  }

  /** Parses the readable bytes of {@code in} without moving its indexes. */
  public static Av1CodecConfigurationRecord parse(ByteBuf in) {
    byte[] b = new byte[in.readableBytes()];
    in.getBytes(in.readerIndex(), b);
    if (b.length < 4) {
      throw new Av1Exception("AV1CodecConfigurationRecord: " + b.length + " bytes, need at least 4");
    }
    if ((b[0] & 0xff) != 0x81) {
      throw new Av1Exception(String.format("marker/version: expected 0x81, got 0x%02x", b[0] & 0xff));
    }
    try {
      BitReader r = new BitReader(b, 1, 3);
      int profile = r.ui(3, "seq_profile");
      int level = r.ui(5, "seq_level_idx_0");
      boolean tier = r.flag("seq_tier_0");
      boolean high = r.flag("high_bitdepth");
      boolean twelve = r.flag("twelve_bit");
      boolean mono = r.flag("monochrome");
      boolean ssx = r.flag("chroma_subsampling_x");
      boolean ssy = r.flag("chroma_subsampling_y");
      Av1SequenceHeader seq = Obus.findSequenceHeader(b, 4, b.length - 4);
      return new Av1CodecConfigurationRecord(profile, level, tier, high ? (twelve ? 12 : 10) : 8, mono, ssx, ssy, seq);
    } catch (BitstreamException e) {
      throw new Av1Exception("av1C " + e.getMessage(), e);
    }
  }
}
