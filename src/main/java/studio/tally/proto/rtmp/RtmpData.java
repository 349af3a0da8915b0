package studio.tally.proto.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.amf.Amf0Encoder;
import studio.tally.proto.amf.AmfEcmaArray;

/**
 * A data message (Adobe RTMP spec 1.0 section 7.1.2): type 18 with an AMF0 body, or type 15 with a
 * 0x00 format byte before AMF0. Publishers send {@code @setDataFrame "onMetaData" {metadata}}; a
 * server forwards it to players as {@code onMetaData {metadata}}.
 *
 * <pre>
 *  body = name (AMF0 string) | values*
 * </pre>
 */
public record RtmpData(String name, List<Object> values) {
  public static final String SET_DATA_FRAME = "@setDataFrame";
  public static final String ON_META_DATA = "onMetaData";
  public static final String SAMPLE_ACCESS = "|RtmpSampleAccess";

  public RtmpData {
    values = values == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(values));
  }

  public RtmpData(String name, Object... values) {
    this(name, Arrays.asList(values));
  }

  public static boolean isData(int typeId) {
    return typeId == RtmpMessageType.AMF0_DATA || typeId == RtmpMessageType.AMF3_DATA;
  }

  /** Decodes a type 18 or 15 message, without moving the payload's reader index. */
  public static RtmpData decode(RtmpMessage message, Amf0Decoder amf) {
    List<Object> values = RtmpCommand.decodeBody(message, RtmpMessageType.AMF0_DATA, RtmpMessageType.AMF3_DATA, "data message", amf);
    if (values.isEmpty() || !(values.getFirst() instanceof String name)) {
      throw new RtmpException("rtmp: data message name is missing or not a string");
    }
    return new RtmpData(name, values.subList(1, values.size()));
  }

  /**
   * The metadata of {@code @setDataFrame onMetaData m} or {@code onMetaData m}, as an ECMA array
   * (objects are converted), or null if this is not metadata.
   */
  public AmfEcmaArray metadata() {
    List<Object> rest = values;
    if (name.equals(SET_DATA_FRAME) && !rest.isEmpty() && ON_META_DATA.equals(rest.getFirst())) {
      rest = rest.subList(1, rest.size());
    } else if (!name.equals(ON_META_DATA)) {
      return null;
    }
    if (rest.isEmpty()) {
      return null;
    }
    return switch (rest.getFirst()) {
      case AmfEcmaArray a -> a;
      case java.util.Map<?, ?> m -> {
        AmfEcmaArray a = new AmfEcmaArray();
        m.forEach((k, v) -> a.entries().put(String.valueOf(k), v));
        yield a;
      }
      default -> null;
    };
  }

  /** What a server sends players for a publisher's {@code @setDataFrame}: the same without the prefix. */
  public RtmpData withoutSetDataFrame() {
    if (name.equals(SET_DATA_FRAME) && !values.isEmpty() && values.getFirst() instanceof String inner) {
      return new RtmpData(inner, values.subList(1, values.size()));
    }
    return this;
  }

  /** This data as a type 18 message. */
  public RtmpMessage toMessage(int chunkStreamId, long timestamp, int messageStreamId, ByteBufAllocator alloc) {
    ByteBuf body = alloc.buffer();
    try {
      Amf0Encoder.encode(body, name);
      for (Object value : values) {
        Amf0Encoder.encode(body, value);
      }
    } catch (RuntimeException e) {
      body.release();
      throw e;
    }
    return new RtmpMessage(chunkStreamId, RtmpMessageType.AMF0_DATA, timestamp, messageStreamId, body);
  }
}
