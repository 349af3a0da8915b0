package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import studio.tally.proto.h264.NalUnits;
import studio.tally.proto.hevc.HevcDecoderConfigurationRecord;
import studio.tally.proto.rtp.H264Packetizer;
import studio.tally.proto.rtp.H265Packetizer;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * HEVC access units (length-prefixed NAL units, as Enhanced RTMP 'hvc1' carries them) to RTP (RFC 7798,
 * one stream, no DONL): access unit delimiters dropped, VPS/SPS/PPS from the hvcC sent before every IRAP
 * picture that lacks them (aggregated in one AP), FUs above the MTU, timestamps from the FLV decode time
 * at 90 kHz (WebRTC has no reordering: see {@link H264ToRtp}). Not thread-safe.
 */
final class H265ToRtp implements VideoToRtp {
  /** Payload type on our side; the SFU rewrites it per player. */
  static final int PAYLOAD_TYPE = 49;
  private static final int IRAP_FIRST = 16;
  private static final int IRAP_LAST = 23;
  private static final int AUD = 35;

  private final H265Packetizer packetizer;
  private final long timestampBase;
  private final RtpWriter writer;
  private HevcDecoderConfigurationRecord config;

  H265ToRtp(ByteBufAllocator alloc, int ssrc, long timestampBase, int firstSequence) {
    this.packetizer = new H265Packetizer(alloc);
    this.timestampBase = timestampBase;
    this.writer = new RtpWriter(alloc, PAYLOAD_TYPE, ssrc, firstSequence);
  }

  /** H265 in SDP (RFC 7798 §7.1): profile-id, tier-flag and level-id from the hvcC, as libwebrtc writes them. */
  @Override
  public Negotiated.CodecChoice codec(byte[] hvcc) {
    HevcDecoderConfigurationRecord c = HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(hvcc));
    Map<String, String> fmtp = new LinkedHashMap<>();
    if (c.profileSpace() != 0) {
      fmtp.put("profile-space", Integer.toString(c.profileSpace()));
    }
    fmtp.put("profile-id", Integer.toString(c.profileIdc()));
    fmtp.put("tier-flag", c.tier() ? "1" : "0");
    fmtp.put("level-id", Integer.toString(c.levelIdc()));
    fmtp.put("tx-mode", "SRST");
    return new Negotiated.CodecChoice(PAYLOAD_TYPE, "H265", 90000, 1, fmtp);
  }

  @Override
  public void configure(byte[] hvcc) {
    config = HevcDecoderConfigurationRecord.parse(Unpooled.wrappedBuffer(hvcc));
  }

  @Override
  public boolean configured() {
    return config != null;
  }

  @Override
  public long timestamp(long millis) {
    return (timestampBase + millis * 90) & 0xFFFF_FFFFL;
  }

  @Override
  public Packets packetize(ByteBuf au, long dtsMillis, boolean keyframe, boolean dropBFrames) {
    List<ByteBuf> nals = NalUnits.splitAvcc(au, config.nalLengthSize());
    List<ByteBuf> send = new ArrayList<>(nals.size() + 3);
    boolean irap = false;
    boolean hasParameterSets = false;
    for (ByteBuf nal : nals) {
      if (nal.readableBytes() < 2) {
        continue;
      }
      int type = H265Packetizer.type(nal.getUnsignedByte(nal.readerIndex()));
      if (type == AUD) {
        continue;
      }
      irap |= type >= IRAP_FIRST && type <= IRAP_LAST;
      hasParameterSets |= type == HevcDecoderConfigurationRecord.VPS;
      send.add(nal);
    }
    if (send.isEmpty()) {
      return new Packets(List.of(), false);
    }
    if (irap && !hasParameterSets) {
      List<ByteBuf> withConfig = new ArrayList<>(send.size() + 3);
      for (int t : new int[] {HevcDecoderConfigurationRecord.VPS, HevcDecoderConfigurationRecord.SPS,
          HevcDecoderConfigurationRecord.PPS}) {
        config.nalUnits(t).forEach(b -> withConfig.add(Unpooled.wrappedBuffer(b)));
      }
      withConfig.addAll(send);
      send = withConfig;
    }
    List<H264Packetizer.Payload> payloads = new ArrayList<>();
    packetizer.packetize(send, payloads);
    return new Packets(writer.writeAll(payloads, timestamp(dtsMillis)), irap);
  }
}
