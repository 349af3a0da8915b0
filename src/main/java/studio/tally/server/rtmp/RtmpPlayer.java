package studio.tally.server.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import studio.tally.proto.rtmp.RtmpChunkEncoder;
import studio.tally.proto.rtmp.RtmpChunkStreamId;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.proto.rtmp.RtmpControlMessage;
import studio.tally.proto.rtmp.RtmpMessage;
import studio.tally.proto.rtmp.RtmpUserControlEvent;
import studio.tally.server.hub.Client;
import studio.tally.server.hub.LiveStream;
import studio.tally.server.hub.MediaTag;
import studio.tally.server.hub.Subscriber;

/** An RTMP player: tags from the hub are chunked for this connection, payloads shared, not copied. */
final class RtmpPlayer implements Subscriber {
  /** Message stream id of the shared encoding: every player's stream is createStream's 1. */
  static final int SHARED_STREAM_ID = RtmpServerSession.STREAM_ID;
  /** One function for all players (no capture, so no allocation per write on the fan-out path). */
  private static final java.util.function.Function<MediaTag, ByteBuf> SHARED_CHUNKS = t -> RtmpChunkEncoder.encodeStandalone(
      new RtmpMessage(chunkStreamOf(t), t.kind().typeId, t.timestamp(), SHARED_STREAM_ID, t.body()),
      RtmpConnection.OUT_CHUNK_SIZE, io.netty.buffer.PooledByteBufAllocator.DEFAULT);

  static int chunkStreamOf(MediaTag tag) {
    return switch (tag.kind()) {
      case AUDIO -> RtmpChunkStreamId.AUDIO;
      case VIDEO -> RtmpChunkStreamId.VIDEO;
      case SCRIPT -> RtmpChunkStreamId.STREAM_COMMAND;
    };
  }

  private final RtmpConnection conn;
  private final Client client;
  private final int streamId;
  private LiveStream stream;
  private boolean closed;

  RtmpPlayer(RtmpConnection conn, Client client, int streamId) {
    this.conn = conn;
    this.client = client;
    this.streamId = streamId;
  }

  void attached(LiveStream s) {
    this.stream = s;
  }

  void markClosed() {
    closed = true;
  }

  @Override
  public EventExecutor executor() {
    return conn.ctx().executor();
  }

  @Override
  public long pendingBytes() {
    ChannelOutboundBuffer out = conn.ctx().channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  @Override
  public void write(MediaTag tag) {
    if (closed) {
      return;
    }
    int n = tag.size();
    client.sendBytes.add(n);
    if (stream != null) {
      stream.counters().sendBytes.add(n);
    }
    // Same bytes for every player (type-0 header, chunk size and stream id fixed): encoded once per tag.
    ByteBuf chunks = tag.sharedEncoding(SHARED_CHUNKS);
    conn.encoder().forget(chunkStreamOf(tag));
    conn.ctx().write(chunks.retainedDuplicate(), conn.ctx().voidPromise());
  }

  @Override
  public void flush() {
    conn.ctx().flush();
  }

  @Override
  public void end(EndReason reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (reason != EndReason.TOO_SLOW) {
      conn.send(new RtmpControlMessage.UserControl(new RtmpUserControlEvent.StreamEof(streamId)).toMessage(conn.ctx().alloc()), false);
      conn.send(RtmpCommands.onStatus(streamId, RtmpCommands.LEVEL_STATUS, RtmpCommands.PLAY_UNPUBLISH_NOTIFY,
          reason.description, conn.ctx().alloc()), false);
    }
    conn.closeAfterFlush();
  }
}
