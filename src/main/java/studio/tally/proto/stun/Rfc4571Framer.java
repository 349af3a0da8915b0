package studio.tally.proto.stun;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * RFC 4571 §2 framing of RTP, RTCP, STUN and DTLS packets on a TCP stream, as ICE-TCP (RFC 6544) and
 * WebRTC over TCP use it in both directions:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * ---------------------------------------------------------------
 * |             LENGTH            |  packet (LENGTH bytes)  ...
 * ---------------------------------------------------------------
 * </pre>
 * The decoder is a state machine that accepts its input in any fragmentation, down to one byte per
 * call. Frames longer than {@code maxFrameLength} fail before any allocation; empty frames are
 * skipped (they carry no packet). After an error the decoder has released what it held and refuses
 * further input. One instance per connection; not thread-safe.
 */
public final class Rfc4571Framer implements AutoCloseable {
  /** The largest length the 16-bit field can express. */
  public static final int MAX_FRAME_LENGTH = 0xFFFF;

  private enum State { LENGTH_HIGH, LENGTH_LOW, PAYLOAD, FAILED, CLOSED }

  private final int maxFrameLength;
  private State state = State.LENGTH_HIGH;
  private int length;
  private ByteBuf partial;

  /** @param maxFrameLength largest accepted payload, 1..65535 (ICE-TCP media rarely exceeds 1500) */
  public Rfc4571Framer(int maxFrameLength) {
    if (maxFrameLength < 1 || maxFrameLength > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("maxFrameLength must be 1..65535: " + maxFrameLength);
    }
    this.maxFrameLength = maxFrameLength;
  }

  /**
   * Consumes all of {@code in}, adding every completed packet to {@code out}. Each added buffer is
   * owned by the caller (release it); it is a retained slice of {@code in} when the whole packet
   * arrived in this call, otherwise a buffer from {@code in.alloc()}.
   *
   * @throws StunException on a frame above the limit, or after a previous error or {@link #close()}
   */
  public void decode(ByteBuf in, List<ByteBuf> out) {
    if (state == State.FAILED || state == State.CLOSED) {
      throw new StunException("rfc4571: framer is " + state.name().toLowerCase() + "; no more input accepted");
    }
    while (in.isReadable()) {
      switch (state) {
        case LENGTH_HIGH -> {
          if (in.readableBytes() >= 2) {
            startFrame(in.readUnsignedShort());
          } else {
            length = in.readUnsignedByte() << 8;
            state = State.LENGTH_LOW;
          }
        }
        case LENGTH_LOW -> startFrame(length | in.readUnsignedByte());
        case PAYLOAD -> {
          if (partial == null && in.readableBytes() >= length) {
            out.add(in.readRetainedSlice(length));
            state = State.LENGTH_HIGH;
          } else {
            if (partial == null) {
              partial = in.alloc().buffer(length, length);
            }
            partial.writeBytes(in, Math.min(in.readableBytes(), partial.writableBytes()));
            if (!partial.isWritable()) {
              out.add(partial);
              partial = null;
              state = State.LENGTH_HIGH;
            }
          }
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  private void startFrame(int frameLength) {
    if (frameLength > maxFrameLength) {
      state = State.FAILED;
      throw new StunException("rfc4571: frame length " + frameLength + " above the limit " + maxFrameLength);
    }
    length = frameLength;
    state = frameLength == 0 ? State.LENGTH_HIGH : State.PAYLOAD;
  }

  /** True between frames: no partial length or payload is held. */
  public boolean isAtFrameBoundary() {
    return state == State.LENGTH_HIGH;
  }

  /** Releases a partially received packet. */
  @Override
  public void close() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
    state = State.CLOSED;
  }

  /**
   * Writes the 2-byte length and the readable bytes of {@code packet} (not consumed, not released).
   *
   * @throws IllegalArgumentException if the packet is longer than 65535 bytes
   */
  public static void encode(ByteBuf packet, ByteBuf out) {
    int n = packet.readableBytes();
    if (n > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("packet of " + n + " bytes does not fit an RFC 4571 frame");
    }
    out.writeShort(n).writeBytes(packet, packet.readerIndex(), n);
  }
}
