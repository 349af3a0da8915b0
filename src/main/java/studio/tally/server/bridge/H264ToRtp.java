package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import studio.tally.proto.bits.BitReader;
import studio.tally.proto.h264.AvcDecoderConfigurationRecord;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.rtp.H264Packetizer;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * H.264 access units (AVCC, as FLV carries them) to RTP packets (RFC 6184 packetization-mode 1):
 * access unit delimiters dropped, SPS/PPS from the avcC sent before every IDR (aggregated in one
 * STAP-A), FU-A above the MTU, timestamps from the FLV time base at 90 kHz. The decode time, not the
 * presentation time: WebRTC has no reordering, and libwebrtc drops a frame whose timestamp is older
 * than the last one decoded, which with B-frames stalls every later frame that depends on it.
 * Optionally drops B slices (lossy: frames that reference them break; an encoder without B-frames is
 * the clean fix). Not thread-safe.
 */
final class H264ToRtp implements VideoToRtp {
  /** Payload type and SSRC on our side; the SFU rewrites both per player. */
  static final int PAYLOAD_TYPE = 102;

  private final H264Packetizer packetizer;
  private final long timestampBase;
  private final RtpWriter writer;
  private AvcDecoderConfigurationRecord config;
  private long droppedBFrames;

  H264ToRtp(ByteBufAllocator alloc, int ssrc, long timestampBase, int firstSequence) {
    this.packetizer = new H264Packetizer(alloc);
    this.timestampBase = timestampBase;
    this.writer = new RtpWriter(alloc, PAYLOAD_TYPE, ssrc, firstSequence);
  }

  @Override
  public Negotiated.CodecChoice codec(byte[] avcc) {
    Map<String, String> fmtp = Map.of("profile-level-id", profileLevelId(avcc), "packetization-mode", "1",
        "level-asymmetry-allowed", "1");
    return new Negotiated.CodecChoice(PAYLOAD_TYPE, "H264", 90000, 1, fmtp);
  }

  /** Takes a new avcC (an FLV AVC sequence header body after the tag header); throws H264Exception if bad. */
  @Override
  public void configure(byte[] avcc) {
    config = AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(avcc));
  }

  @Override
  public boolean configured() {
    return config != null;
  }

  /** {@code profile-level-id} for SDP (RFC 6184 §8.1) from the avcC. */
  static String profileLevelId(byte[] avcc) {
    AvcDecoderConfigurationRecord c = AvcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(avcc));
    return HexFormat.of().toHexDigits((byte) c.profile()) + HexFormat.of().toHexDigits((byte) c.compatibility())
        + HexFormat.of().toHexDigits((byte) c.level());
  }

  @Override
  public long droppedBFrames() {
    return droppedBFrames;
  }

  /** Our RTP timestamp of stream time {@code millis}. */
  @Override
  public long timestamp(long millis) {
    return (timestampBase + millis * 90) & 0xFFFF_FFFFL;
  }

  /**
   * Packetizes one access unit ({@code avcc} not consumed); empty when nothing is left to send (only
   * delimiters, or a dropped B-frame).
   */
  @Override
  public Packets packetize(ByteBuf avcc, long dtsMillis, boolean keyframe, boolean dropBFrames) {
    List<ByteBuf> nals = NalUnits.splitAvcc(avcc, config.nalLengthSize());
    List<ByteBuf> send = new ArrayList<>(nals.size() + 2);
    boolean idr = false;
    boolean hasSps = false;
    for (ByteBuf nal : nals) {
      if (!nal.isReadable()) {
        continue;
      }
      int type = NalUnits.type(nal.getUnsignedByte(nal.readerIndex()));
      if (type == NalUnits.AUD) {
        continue;
      }
      if (dropBFrames && type == NalUnits.NON_IDR_SLICE && isBSlice(nal)) {
        droppedBFrames++;
        return new Packets(List.of(), false);
      }
      idr |= type == NalUnits.IDR_SLICE;
      hasSps |= type == NalUnits.SPS;
      send.add(nal);
    }
    if (send.isEmpty()) {
      return new Packets(List.of(), false);
    }
    if (idr && !hasSps) {
      List<ByteBuf> withConfig = new ArrayList<>(send.size() + 4);
      config.sps().forEach(b -> withConfig.add(Unpooled.wrappedBuffer(b)));
      config.pps().forEach(b -> withConfig.add(Unpooled.wrappedBuffer(b)));
      withConfig.addAll(send);
      send = withConfig;
    }
    List<H264Packetizer.Payload> payloads = new ArrayList<>();
    packetizer.packetize(send, payloads);
    return new Packets(writer.writeAll(payloads, timestamp(dtsMillis)), idr);
  }

  /** A coded slice whose slice_type (ITU-T H.264 7.3.3: ue first_mb_in_slice, ue slice_type) is B. */
  static boolean isBSlice(ByteBuf nal) {
    byte[] head = new byte[Math.min(nal.readableBytes() - 1, 16)];
    if (head.length <= 0) {
      return false;
    }
    nal.getBytes(nal.readerIndex() + 1, head);
    try {
      BitReader r = new BitReader(head);
      r.ue("first_mb_in_slice");
      return r.ue("slice_type") % 5 == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
