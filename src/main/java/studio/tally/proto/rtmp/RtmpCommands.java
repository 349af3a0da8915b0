package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the command messages (Adobe RTMP spec 1.0 section 7.2) a publishing or playing client and a
 * server exchange, shaped like FFmpeg's and nginx-rtmp's so that FFmpeg, OBS and nginx-rtmp accept
 * them. NetConnection commands go on chunk stream 3 / message stream 0, NetStream commands on chunk
 * stream 5 and the stream's id.
 *
 * <pre>
 *  publisher: connect → createStream (releaseStream, FCPublish before it) → publish → media → FCUnpublish, deleteStream
 *  player:    connect → createStream → play → media
 *  server:    _result(connect) / _result(createStream, id) / onStatus NetStream.Publish.Start | Play.Reset + Play.Start
 * </pre>
 */
public final class RtmpCommands {
  public static final String CONNECT = "connect";
  public static final String RESULT = "_result";
  public static final String ERROR = "_error";
  public static final String ON_STATUS = "onStatus";
  public static final String CREATE_STREAM = "createStream";
  public static final String RELEASE_STREAM = "releaseStream";
  public static final String FC_PUBLISH = "FCPublish";
  public static final String FC_UNPUBLISH = "FCUnpublish";
  public static final String ON_FC_PUBLISH = "onFCPublish";
  public static final String PUBLISH = "publish";
  public static final String PLAY = "play";
  public static final String DELETE_STREAM = "deleteStream";
  public static final String CLOSE_STREAM = "closeStream";
  public static final String GET_STREAM_LENGTH = "getStreamLength";

  public static final String LEVEL_STATUS = "status";
  public static final String LEVEL_ERROR = "error";
  public static final String LEVEL_WARNING = "warning";

  public static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
  public static final String CONNECT_REJECTED = "NetConnection.Connect.Rejected";
  public static final String PUBLISH_START = "NetStream.Publish.Start";
  public static final String PUBLISH_BAD_NAME = "NetStream.Publish.BadName";
  public static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
  public static final String PLAY_START = "NetStream.Play.Start";
  public static final String PLAY_RESET = "NetStream.Play.Reset";
  public static final String PLAY_STREAM_NOT_FOUND = "NetStream.Play.StreamNotFound";
  public static final String PLAY_UNPUBLISH_NOTIFY = "NetStream.Play.UnpublishNotify";
  public static final String PLAY_PUBLISH_NOTIFY = "NetStream.Play.PublishNotify";

  /** What our server announces in the connect result (FMS-style version; clients only log it). */
  public static final String SERVER_VERSION = "FMS/3,0,1,123";

  private RtmpCommands() {}

  // --- client → server ---

  /**
   * {@code connect} with the command object a publisher (FFmpeg/OBS style: app, type, flashVer,
   * tcUrl) or, with {@code player}, a player (adds fpad, capabilities, audio/videoCodecs,
   * videoFunction) sends.
   */
  public static RtmpMessage connect(double txn, String app, String tcUrl, String flashVer, boolean player,
      ByteBufAllocator alloc) {
    LinkedHashMap<String, Object> object = new LinkedHashMap<>();
    object.put("app", app);
    if (!player) {
      object.put("type", "nonprivate");
    }
    object.put("flashVer", flashVer);
    object.put("tcUrl", tcUrl);
    if (player) {
      object.put("fpad", false);
      object.put("capabilities", 15.0);
      object.put("audioCodecs", 4071.0);
      object.put("videoCodecs", 252.0);
      object.put("videoFunction", 1.0);
    }
    return connect(txn, object, alloc);
  }

  public static RtmpMessage connect(double txn, Map<String, Object> commandObject, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(CONNECT, txn, commandObject), alloc);
  }

  public static RtmpMessage releaseStream(double txn, String streamName, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(RELEASE_STREAM, txn, null, streamName), alloc);
  }

  public static RtmpMessage fcPublish(double txn, String streamName, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(FC_PUBLISH, txn, null, streamName), alloc);
  }

  public static RtmpMessage fcUnpublish(double txn, String streamName, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(FC_UNPUBLISH, txn, null, streamName), alloc);
  }

  public static RtmpMessage createStream(double txn, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(CREATE_STREAM, txn, null), alloc);
  }

  public static RtmpMessage deleteStream(double txn, int streamId, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(DELETE_STREAM, txn, null, (double) streamId), alloc);
  }

  /** {@code publish name "live"} on the stream from createStream (transaction id 0, as FFmpeg). */
  public static RtmpMessage publish(int streamId, String streamName, String publishingType, ByteBufAllocator alloc) {
    return netStream(streamId, new RtmpCommand(PUBLISH, 0, null, streamName, publishingType), alloc);
  }

  /** {@code play name start} ({@code start} -2: live or recorded, -1: live only, as FFmpeg sends). */
  public static RtmpMessage play(int streamId, String streamName, double start, ByteBufAllocator alloc) {
    return netStream(streamId, new RtmpCommand(PLAY, 0, null, streamName, start), alloc);
  }

  // --- server → client ---

  /** {@code _result} of connect: FMS properties and a NetConnection.Connect.Success info object. */
  public static RtmpMessage connectResult(double txn, double objectEncoding, ByteBufAllocator alloc) {
    LinkedHashMap<String, Object> properties = new LinkedHashMap<>();
    properties.put("fmsVer", SERVER_VERSION);
    properties.put("capabilities", 31.0);
    properties.put("mode", 1.0);
    LinkedHashMap<String, Object> info = info(LEVEL_STATUS, CONNECT_SUCCESS, "Connection succeeded.");
    info.put("objectEncoding", objectEncoding);
    return netConnection(new RtmpCommand(RESULT, txn, properties, info), alloc);
  }

  /** {@code _result} of createStream: null, stream id. */
  public static RtmpMessage createStreamResult(double txn, int streamId, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(RESULT, txn, null, (double) streamId), alloc);
  }

  /** A generic {@code _result} (e.g. for releaseStream/FCPublish, which FFmpeg ignores). */
  public static RtmpMessage result(double txn, Object commandObject, ByteBufAllocator alloc, Object... args) {
    return netConnection(new RtmpCommand(RESULT, txn, commandObject, args), alloc);
  }

  /** {@code _error} with an info object, e.g. connect rejected. */
  public static RtmpMessage error(double txn, String code, String description, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(ERROR, txn, null, info(LEVEL_ERROR, code, description)), alloc);
  }

  /** {@code onStatus} on a NetStream: transaction 0, null, {level, code, description}. */
  public static RtmpMessage onStatus(int streamId, String level, String code, String description, ByteBufAllocator alloc) {
    return netStream(streamId, new RtmpCommand(ON_STATUS, 0, null, info(level, code, description)), alloc);
  }

  /** {@code onFCPublish} as nginx-rtmp and FMS send it after FCPublish. */
  public static RtmpMessage onFcPublish(String code, String description, ByteBufAllocator alloc) {
    return netConnection(new RtmpCommand(ON_FC_PUBLISH, 0, null, info(LEVEL_STATUS, code, description)), alloc);
  }

  /** The info object of onStatus/_result/_error. */
  public static LinkedHashMap<String, Object> info(String level, String code, String description) {
    LinkedHashMap<String, Object> info = new LinkedHashMap<>();
    info.put("level", level);
    info.put("code", code);
    info.put("description", description);
    return info;
  }

  /** The {@code code} of an info object (first Map among command object and args), or null. */
  public static String statusCode(RtmpCommand command) {
    return statusField(command, "code");
  }

  /** A string field ({@code code}, {@code level}, {@code description}) of the info object, or null. */
  public static String statusField(RtmpCommand command, String field) {
    if (command.commandObject() instanceof Map<?, ?> m && m.get(field) instanceof String s) {
      return s;
    }
    for (Object arg : command.args()) {
      if (arg instanceof Map<?, ?> m && m.get(field) instanceof String s) {
        return s;
      }
    }
    return null;
  }

  /** "code: description" of a status or error reply, for messages to people; "no reason given" when empty. */
  public static String describeStatus(RtmpCommand command) {
    String code = statusCode(command);
    String description = statusField(command, "description");
    if (code == null && description == null) {
      return "no reason given";
    }
    if (description == null || description.isEmpty()) {
      return code;
    }
    return code == null ? description : code + ": " + description;
  }

  private static RtmpMessage netConnection(RtmpCommand command, ByteBufAllocator alloc) {
    return command.toMessage(RtmpChunkStreamId.COMMAND, 0, alloc);
  }

  private static RtmpMessage netStream(int streamId, RtmpCommand command, ByteBufAllocator alloc) {
    return command.toMessage(RtmpChunkStreamId.STREAM_COMMAND, streamId, alloc);
  }
}
