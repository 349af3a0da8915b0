package studio.tally.proto.rtmp;

import static studio.tally.proto.rtmp.RtmpHandshakeDigest.DIGEST_LENGTH;
import static studio.tally.proto.rtmp.RtmpHandshakeDigest.PACKET_SIZE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Server side of the RTMP handshake (Adobe RTMP spec 1.0 section 5.2, plus the digest handshake of
 * {@link RtmpHandshakeDigest}), as a state machine that accepts its input in any fragmentation.
 *
 * <pre>
 *  client                         server
 *  C0 (1: version 3) C1 (1536) →
 *                               ← S0 (1) S1 (1536) S2 (1536: echo of C1, or signed response)
 *  C2 (1536) →                    done; following bytes are chunks
 *  C1/S1: time(4) | zero or version(4) | random(1528)
 * </pre>
 *
 * <p>If C1 carries a version and a digest that validates in either schema, S1 carries a server digest
 * in the same schema and S2 is signed, which FFmpeg and Flash players check. Otherwise (no version,
 * or a digest that does not validate) the simple handshake is answered: a client is never refused
 * because of its digest. C2 is read but not verified (nginx-rtmp does not either).
 */
public final class RtmpServerHandshake {
  /** What S1 announces as server version in a digest handshake (FFmpeg requires its first byte ≥ 3). */
  private static final byte[] SERVER_VERSION = {0x0D, 0x0E, 0x0A, 0x0D};

  private enum State { C0, C1, C2, DONE }

  private final RandomGenerator random;
  private final byte[] c1 = new byte[PACKET_SIZE];
  private State state = State.C0;
  private int filled;
  private int c2Read;
  private boolean digest;

  public RtmpServerHandshake() {
    this(new SplittableRandom());
  }

  public RtmpServerHandshake(RandomGenerator random) {
    this.random = random;
  }

  /**
   * Reads what is available of C0, C1 and C2 (never past the end of C2). Returns S0+S1+S2 once C1 is
   * complete, and {@code done} once C2 has been read.
   *
   * @throws RtmpException if C0 is not version 3 (0x06 is RTMPE, which is not supported)
   */
  public RtmpHandshakeResult consume(ByteBuf in, ByteBufAllocator alloc) {
    ByteBuf toWrite = null;
    if (state == State.C0 && in.isReadable()) {
      int version = in.readUnsignedByte();
      if (version == 0x06) {
        throw new RtmpException("rtmp: encrypted RTMP (RTMPE) is not supported");
      }
      if (version != 0x03) {
        throw new RtmpException("rtmp: handshake C0 version 0x" + Integer.toHexString(version) + " not supported (want 3)");
      }
      state = State.C1;
    }
    if (state == State.C1 && in.isReadable()) {
      int n = Math.min(in.readableBytes(), PACKET_SIZE - filled);
      in.readBytes(c1, filled, n);
      filled += n;
      if (filled == PACKET_SIZE) {
        toWrite = answer(alloc);
        state = State.C2;
      }
    }
    if (state == State.C2 && in.isReadable()) {
      int n = Math.min(in.readableBytes(), PACKET_SIZE - c2Read);
      in.skipBytes(n);
      c2Read += n;
      if (c2Read == PACKET_SIZE) {
        state = State.DONE;
      }
    }
    return new RtmpHandshakeResult(toWrite, state == State.DONE);
  }

  public boolean isDone() {
    return state == State.DONE;
  }

  /** Whether the client's digest validated and the digest handshake was answered. */
  public boolean usedDigest() {
    return digest;
  }

  private ByteBuf answer(ByteBufAllocator alloc) {
    byte[] s1 = new byte[PACKET_SIZE];
    byte[] s2;
    random.nextBytes(s1);
    Arrays.fill(s1, 0, 8, (byte) 0); // time 0, version 0 (simple)
    int clientOffset = c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0
        ? -1
        : RtmpHandshakeDigest.findDigest(c1, RtmpHandshakeDigest.PLAYER_KEY, RtmpHandshakeDigest.PLAYER_KEY_OPEN_PART);
    if (clientOffset >= 0) {
      digest = true;
      System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
      RtmpHandshakeDigest.imprint(s1, RtmpHandshakeDigest.schemaOf(clientOffset),
          RtmpHandshakeDigest.SERVER_KEY, RtmpHandshakeDigest.SERVER_KEY_OPEN_PART);
      s2 = new byte[PACKET_SIZE];
      random.nextBytes(s2);
      byte[] clientDigest = Arrays.copyOfRange(c1, clientOffset, clientOffset + DIGEST_LENGTH);
      RtmpHandshakeDigest.signResponse(s2, clientDigest, RtmpHandshakeDigest.SERVER_KEY);
    } else {
      s2 = c1.clone(); // simple handshake: S2 echoes C1 (time2 would be our read time; 0 is accepted)
    }
    ByteBuf out = alloc.buffer(1 + 2 * PACKET_SIZE);
    out.writeByte(0x03).writeBytes(s1).writeBytes(s2);
    return out;
  }
}
