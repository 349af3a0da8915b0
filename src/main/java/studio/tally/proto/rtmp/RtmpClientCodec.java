package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.List;
import studio.tally.proto.ByteCumulation;

/**
 * The byte level of an RTMP client connection, publisher or player, without a socket: the client
 * handshake (digest, any fragmentation), chunk decoding (the server's chunk size applied), the
 * acknowledgements the server's window asks for, answers to its pings, and
 * chunk encoding of what the client sends. A connection handler feeds it what arrives, writes what
 * it hands back and keeps only its own command flow. Single-threaded.
 */
public final class RtmpClientCodec implements AutoCloseable {
  private final ByteBufAllocator alloc;
  private final RtmpClientHandshake handshake = new RtmpClientHandshake(true);
  private final RtmpChunkDecoder decoder;
  private final RtmpChunkEncoder encoder = new RtmpChunkEncoder();
  private final ByteCumulation inbound = new ByteCumulation();
  private final RtmpAcknowledgements acks = new RtmpAcknowledgements();

  public RtmpClientCodec(RtmpLimits limits, ByteBufAllocator alloc) {
    this.alloc = alloc;
    this.decoder = new RtmpChunkDecoder(limits, alloc);
  }

  /** C0 + C1, to write when the connection opens. */
  public ByteBuf start() {
    return handshake.start(alloc);
  }

  public boolean handshakeDone() {
    return handshake.isDone();
  }

  /**
   * Takes in (and its ownership): bytes to send go to toWrite (handshake, acknowledgements, ping
   * responses), every decoded message to messages — control messages too; the caller releases them.
   *
   * @return true when this call completed the handshake: the client's commands may start
   * @throws studio.tally.proto.ProtocolException on bytes that are not RTMP
   */
  public boolean read(ByteBuf in, List<ByteBuf> toWrite, List<RtmpMessage> messages) {
    ByteBuf cumulation = inbound.add(in);
    try {
      boolean completed = false;
      if (!handshake.isDone()) {
        RtmpHandshakeResult r = handshake.consume(cumulation, alloc);
        if (r.toWrite() != null) toWrite.add(r.toWrite());
        if (!r.done()) return false;
        completed = true;
      }
      int first = messages.size();
      decoder.decode(cumulation, messages);
      for (int i = first; i < messages.size(); i++) {
        RtmpMessage m = messages.get(i);
        if (!RtmpControlMessage.isControl(m.typeId())) continue;
        switch (RtmpControlMessage.decode(m)) {
          case RtmpControlMessage.WindowAcknowledgementSize w -> acks.window(w.windowSize());
          case RtmpControlMessage.UserControl(RtmpUserControlEvent.PingRequest p) ->
              toWrite.add(encode(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.PingResponse(p.timestamp()))
                  .toMessage(alloc)));
          default -> { }
        }
      }
      RtmpControlMessage.Acknowledgement ack = acks.due(decoder.bytesRead());
      if (ack != null) toWrite.add(encode(ack.toMessage(alloc)));
      return completed;
    } finally {
      inbound.compact();
    }
  }

  /** Chunks m for the wire (releasing m). */
  public CompositeByteBuf encode(RtmpMessage m) {
    try {
      return encoder.encodeShared(m, alloc);
    } finally {
      m.release();
    }
  }

  /** The chunk size the client sends with (announce it with SetChunkSize first). */
  public void setChunkSize(int chunkSize) {
    encoder.setChunkSize(chunkSize);
  }

  /** Releases what is buffered. */
  @Override
  public void close() {
    inbound.close();
    decoder.close();
  }
}
