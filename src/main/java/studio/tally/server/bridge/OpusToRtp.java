package studio.tally.server.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Opus packets to RTP (RFC 7587): one packet per payload, 48 kHz timestamps. The timestamps count
 * samples from an anchor (each packet's duration read from its TOC byte), so they
 * are continuous; a unit whose time is more than 100 ms away from that count (the publisher changed,
 * or audio stopped for a while) moves the anchor. Not thread-safe.
 */
final class OpusToRtp {
  static final int PAYLOAD_TYPE = 111;
  static final int SAMPLES_PER_PACKET = 960;
  private static final long RESYNC_MICROS = 100_000;

  private final RtpWriter writer;
  private final long timestampBase;
  private boolean anchored;
  private long anchorMicros;
  private long anchorTs;
  private long samples;
  private long resyncs;

  OpusToRtp(ByteBufAllocator alloc, int ssrc, long timestampBase, int firstSequence) {
    this.writer = new RtpWriter(alloc, PAYLOAD_TYPE, ssrc, firstSequence);
    this.timestampBase = timestampBase;
  }

  /** Samples at 48 kHz in one Opus packet (RFC 6716 §3.1: TOC config and frame count); 960 if unreadable. */
  static int samplesOf(byte[] packet) {
    if (packet.length == 0) {
      return SAMPLES_PER_PACKET;
    }
    int toc = packet[0] & 0xFF;
    int config = toc >>> 3;
    int frame; // samples of one frame at 48 kHz
    if (config < 12) {
      frame = new int[] {480, 960, 1920, 2880}[config & 3];
    } else if (config < 16) {
      frame = (config & 1) == 0 ? 480 : 960;
    } else {
      frame = new int[] {120, 240, 480, 960}[config & 3];
    }
    int frames = switch (toc & 3) {
      case 0 -> 1;
      case 1, 2 -> 2;
      default -> packet.length > 1 ? packet[1] & 0x3F : 1;
    };
    return Math.max(1, frames) * frame;
  }

  long resyncs() {
    return resyncs;
  }

  /** Our RTP timestamp of stream time {@code micros} (for sender reports); -1 before the first packet. */
  long timestamp(long micros) {
    if (!anchored) {
      return -1;
    }
    return (anchorTs + (micros - anchorMicros) * 48 / 1000) & 0xFFFF_FFFFL;
  }

  /** One RTP packet (owned by the caller) for the Opus packet {@code data} presented at {@code ptsMicros}. */
  ByteBuf packet(byte[] data, long ptsMicros) {
    long expected = anchorMicros + samples * 1000 / 48;
    if (!anchored) {
      anchored = true;
      anchorMicros = ptsMicros;
      anchorTs = (timestampBase + ptsMicros * 48 / 1000) & 0xFFFF_FFFFL;
      samples = 0;
    } else if (Math.abs(ptsMicros - expected) > RESYNC_MICROS) {
      resyncs++;
      anchorTs = (anchorTs + samples) & 0xFFFF_FFFFL;
      anchorTs = (anchorTs + Math.max(0, ptsMicros - expected) * 48 / 1000) & 0xFFFF_FFFFL;
      anchorMicros = ptsMicros;
      samples = 0;
    }
    long ts = (anchorTs + samples) & 0xFFFF_FFFFL;
    samples += samplesOf(data);
    return writer.write(data, false, ts);
  }
}
