package studio.tally.proto.rtmp;

/**
 * Chunk stream ids used by the messages this package builds; they follow FFmpeg's choices
 * (libavformat/rtmppkt.h), which OBS and nginx-rtmp also accept. Protocol control messages must use
 * chunk stream 2 and message stream 0 (spec section 5.4).
 */
public final class RtmpChunkStreamId {
  /** Protocol control and user control messages. */
  public static final int CONTROL = 2;
  /** Commands on the NetConnection (connect, createStream, ...). */
  public static final int COMMAND = 3;
  public static final int AUDIO = 4;
  /** Commands and data on a NetStream (publish, play, onStatus, @setDataFrame). */
  public static final int STREAM_COMMAND = 5;
  public static final int VIDEO = 6;

  /** Smallest and largest ids a basic header can carry (section 5.3.1.1). */
  public static final int MIN = 2;
  public static final int MAX = 65599;

  private RtmpChunkStreamId() {}
}
