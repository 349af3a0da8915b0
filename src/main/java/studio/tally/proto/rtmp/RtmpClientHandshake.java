package studio.tally.proto.rtmp;

import static studio.tally.proto.rtmp.RtmpHandshakeDigest.DIGEST_LENGTH;
import static studio.tally.proto.rtmp.RtmpHandshakeDigest.PACKET_SIZE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Client side of the RTMP handshake (spec section 5.2 and {@link RtmpHandshakeDigest}).
 *
 * <pre>
 *  client                                   server
 *  start(): C0 (version 3) C1 (1536)  →
 *                                         ← S0 (1) S1 (1536) S2 (1536)
 *  consume(): after S1, C2 (1536)     →     (sent without waiting for S2)
 *  done after S2; following bytes are chunks
 * </pre>
 *
 * <p>With {@code digest = true} C1 carries a Flash Player version and a digest in schema 0, as FFmpeg
 * sends it; nginx-rtmp and FMS then answer with a digest handshake. If S1 carries a valid server
 * digest, C2 is a signed response; otherwise C2 echoes S1 (simple handshake). A server S2 whose
 * signature does not verify is tolerated ({@link #serverVerified()} tells).
 */
public final class RtmpClientHandshake {
  /** FFmpeg's announced player version 9.0.124.2. */
  private static final byte[] CLIENT_VERSION = {9, 0, 124, 2};

  private enum State { START, S0, S1, S2, DONE }

  private final boolean digest;
  private final RandomGenerator random;
  private final byte[] c1 = new byte[PACKET_SIZE];
  private final byte[] s1 = new byte[PACKET_SIZE];
  private final byte[] s2 = new byte[PACKET_SIZE];
  private State state = State.START;
  private int clientDigestOffset = -1;
  private int filled;
  private boolean serverDigest;
  private boolean serverVerified;

  public RtmpClientHandshake(boolean digest) {
    this(digest, new SplittableRandom());
  }

  public RtmpClientHandshake(boolean digest, RandomGenerator random) {
    this.digest = digest;
    this.random = random;
  }

  /** C0 and C1, to be written first. Callable once. */
  public ByteBuf start(ByteBufAllocator alloc) {
    if (state != State.START) {
      throw new IllegalStateException("handshake already started");
    }
    random.nextBytes(c1);
    Arrays.fill(c1, 0, 8, (byte) 0);
    if (digest) {
      System.arraycopy(CLIENT_VERSION, 0, c1, 4, 4);
      clientDigestOffset = RtmpHandshakeDigest.imprint(c1, RtmpHandshakeDigest.SCHEMA0,
          RtmpHandshakeDigest.PLAYER_KEY, RtmpHandshakeDigest.PLAYER_KEY_OPEN_PART);
    }
    state = State.S0;
    return alloc.buffer(1 + PACKET_SIZE).writeByte(0x03).writeBytes(c1);
  }

  /**
   * Reads what is available of S0, S1 and S2 (never past the end of S2). Returns C2 once S1 is
   * complete and {@code done} once S2 has been read.
   *
   * @throws RtmpException if S0 is not version 3
   */
  public RtmpHandshakeResult consume(ByteBuf in, ByteBufAllocator alloc) {
    if (state == State.START) {
      throw new IllegalStateException("call start() first");
    }
    ByteBuf toWrite = null;
    if (state == State.S0 && in.isReadable()) {
      int version = in.readUnsignedByte();
      if (version != 0x03) {
        throw new RtmpException("rtmp: handshake S0 version 0x" + Integer.toHexString(version) + " not supported (want 3)");
      }
      state = State.S1;
    }
    if (state == State.S1 && in.isReadable()) {
      int n = Math.min(in.readableBytes(), PACKET_SIZE - filled);
      in.readBytes(s1, filled, n);
      filled += n;
      if (filled == PACKET_SIZE) {
        toWrite = alloc.buffer(PACKET_SIZE).writeBytes(c2());
        filled = 0;
        state = State.S2;
      }
    }
    if (state == State.S2 && in.isReadable()) {
      int n = Math.min(in.readableBytes(), PACKET_SIZE - filled);
      in.readBytes(s2, filled, n);
      filled += n;
      if (filled == PACKET_SIZE) {
        verifyS2();
        state = State.DONE;
      }
    }
    return new RtmpHandshakeResult(toWrite, state == State.DONE);
  }

  public boolean isDone() {
    return state == State.DONE;
  }

  /** Whether the server answered with a valid digest in S1. */
  public boolean serverUsedDigest() {
    return serverDigest;
  }

  /** Whether S2 was a correctly signed digest response (false for simple handshakes). */
  public boolean serverVerified() {
    return serverVerified;
  }

  private byte[] c2() {
    boolean serverVersion = s1[4] != 0 || s1[5] != 0 || s1[6] != 0 || s1[7] != 0;
    int serverOffset = digest && serverVersion
        ? RtmpHandshakeDigest.findDigest(s1, RtmpHandshakeDigest.SERVER_KEY, RtmpHandshakeDigest.SERVER_KEY_OPEN_PART)
        : -1;
    if (serverOffset < 0) {
      return s1.clone(); // simple handshake: C2 echoes S1
    }
    serverDigest = true;
    byte[] c2 = new byte[PACKET_SIZE];
    random.nextBytes(c2);
    byte[] serverDigestBytes = Arrays.copyOfRange(s1, serverOffset, serverOffset + DIGEST_LENGTH);
    RtmpHandshakeDigest.signResponse(c2, serverDigestBytes, RtmpHandshakeDigest.PLAYER_KEY);
    return c2;
  }

  private void verifyS2() {
    if (serverDigest) {
      byte[] clientDigest = Arrays.copyOfRange(c1, clientDigestOffset, clientDigestOffset + DIGEST_LENGTH);
      serverVerified = RtmpHandshakeDigest.responseSignatureValid(s2, clientDigest, RtmpHandshakeDigest.SERVER_KEY);
    }
  }
}
