package studio.tally.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;

/**
 * Bytes received but not yet decoded, for stream decoders that must tolerate any fragmentation.
 * Appends without copying (a composite of the received buffers) and gives back what was consumed.
 * Single-threaded; owns the buffers it is given.
 */
public final class ByteCumulation implements AutoCloseable {
  private ByteBuf buf;

  /** Appends {@code in} (taking ownership) and returns everything not yet consumed. */
  public ByteBuf add(ByteBuf in) {
    if (buf == null) {
      buf = in;
    } else if (buf instanceof CompositeByteBuf comp) {
      comp.addComponent(true, in);
    } else {
      CompositeByteBuf comp = in.alloc().compositeBuffer(64);
      comp.addComponents(true, buf, in);
      buf = comp;
    }
    return buf;
  }

  /** After decoding: frees what was read (all of it when nothing is left). */
  public void compact() {
    if (buf == null) {
      return;
    }
    if (!buf.isReadable()) {
      buf.release();
      buf = null;
    } else {
      buf.discardSomeReadBytes();
    }
  }

  @Override
  public void close() {
    if (buf != null) {
      buf.release();
      buf = null;
    }
  }
}
