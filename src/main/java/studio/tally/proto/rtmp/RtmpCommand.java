package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.amf.Amf0Encoder;

/**
 * A command message (Adobe RTMP spec 1.0 section 7.1.1 and 7.2): type 20 with an AMF0 body, or
 * type 17 ("AMF3 command") whose body is a 0x00 format byte followed by AMF0, as Flash and FFmpeg send
 * it.
 *
 * <pre>
 *  body = name (AMF0 string) | transaction id (AMF0 number) | command object (object or null) | args*
 * </pre>
 *
 * @param commandObject usually a {@code Map<String,Object>} or {@code null}
 * @param args          the remaining values (never null)
 */
public record RtmpCommand(String name, double transactionId, Object commandObject, List<Object> args) {
  public RtmpCommand {
    args = args == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(args));
  }

  public RtmpCommand(String name, double transactionId, Object commandObject, Object... args) {
    this(name, transactionId, commandObject, Arrays.asList(args));
  }

  public static boolean isCommand(int typeId) {
    return typeId == RtmpMessageType.AMF0_COMMAND || typeId == RtmpMessageType.AMF3_COMMAND;
  }

  /** The argument at {@code index}, or null when there are fewer. */
  public Object arg(int index) {
    return index < args.size() ? args.get(index) : null;
  }

  /**
   * Decodes a type 20 or 17 message, without moving the payload's reader index.
   *
   * @throws RtmpException (or {@link studio.tally.proto.amf.AmfException}) on a malformed body
   */
  public static RtmpCommand decode(RtmpMessage message, Amf0Decoder amf) {
    List<Object> values = decodeBody(message, RtmpMessageType.AMF0_COMMAND, RtmpMessageType.AMF3_COMMAND, "command", amf);
    if (values.isEmpty() || !(values.getFirst() instanceof String name)) {
      throw new RtmpException("rtmp: command name is missing or not a string");
    }
    double txn = 0;
    if (values.size() > 1) {
      if (!(values.get(1) instanceof Double d)) {
        throw new RtmpException("rtmp: command " + name + " transaction id is not a number");
      }
      txn = d;
    }
    Object commandObject = values.size() > 2 ? values.get(2) : null;
    List<Object> args = values.size() > 3 ? values.subList(3, values.size()) : List.of();
    return new RtmpCommand(name, txn, commandObject, args);
  }

  /** Shared by commands and data: AMF0 values of a type-{@code amf0Type} or {@code amf3Type} body. */
  static List<Object> decodeBody(RtmpMessage message, int amf0Type, int amf3Type, String what, Amf0Decoder amf) {
    ByteBuf body = message.payload().duplicate();
    if (message.typeId() == amf3Type) {
      if (body.isReadable() && body.getByte(body.readerIndex()) == 0) {
        body.skipBytes(1);
      }
    } else if (message.typeId() != amf0Type) {
      throw new RtmpException("rtmp: message type " + message.typeId() + " is not a " + what);
    }
    return amf.decodeAll(body);
  }

  /** This command as a type 20 message. */
  public RtmpMessage toMessage(int chunkStreamId, int messageStreamId, ByteBufAllocator alloc) {
    ByteBuf body = alloc.buffer();
    try {
      Amf0Encoder.encodeAll(body, name, transactionId, commandObject);
      for (Object arg : args) {
        Amf0Encoder.encode(body, arg);
      }
    } catch (RuntimeException e) {
      body.release();
      throw e;
    }
    return new RtmpMessage(chunkStreamId, RtmpMessageType.AMF0_COMMAND, 0, messageStreamId, body);
  }
}
