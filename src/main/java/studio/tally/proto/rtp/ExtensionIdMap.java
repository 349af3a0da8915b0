package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;

/**
 * Renumbers RFC 8285 header extension elements from one peer's ids to another's: an element whose
 * id is mapped is copied with the new id, every other one is dropped (its id means something else,
 * or nothing, to the receiver). Immutable.
 */
public final class ExtensionIdMap {
  /** Maps nothing: every extension is dropped. */
  public static final ExtensionIdMap NONE = new ExtensionIdMap(Map.of());

  private final int[] to = new int[256];
  private final boolean empty;

  /** {@code fromTo}: source id → target id, both 1..255 (RFC 8285 §4.2, §4.3). */
  public ExtensionIdMap(Map<Integer, Integer> fromTo) {
    for (Map.Entry<Integer, Integer> e : fromTo.entrySet()) {
      int from = e.getKey();
      int target = e.getValue();
      if (from < 1 || from > 255 || target < 1 || target > 255) {
        throw new IllegalArgumentException("rtp: extension id mapping " + from + " -> " + target + " outside 1..255");
      }
      to[from] = target;
    }
    this.empty = fromTo.isEmpty();
  }

  public boolean isEmpty() {
    return empty;
  }

  /** The target id of {@code id}, 0 when it is dropped. */
  public int map(int id) {
    return id < 0 || id > 255 ? 0 : to[id];
  }

  /**
   * Appends the extension block (profile, length, elements, zero padding to 32 bits) holding the
   * mapped elements of the packet {@code p} starting at {@code at} in {@code in}: the one-byte form
   * when every kept element fits it (id ≤ 14, 1..16 bytes), else the two-byte form. Writes nothing
   * and returns false when no element is kept, the packet has none, or its extension is malformed.
   */
  public boolean write(ByteBuf out, ByteBuf in, int at, RtpPacket p) {
    if (empty || !p.hasExtension()) {
      return false;
    }
    List<RtpExtension> elements;
    try {
      elements = p.extensions(in, at);
    } catch (RtpException e) {
      return false;
    }
    int kept = 0;
    boolean oneByte = true;
    for (RtpExtension e : elements) {
      int id = map(e.id());
      if (id != 0) {
        kept++;
        oneByte &= id <= 14 && e.length() >= 1 && e.length() <= 16;
      }
    }
    if (kept == 0) {
      return false;
    }
    int start = out.writerIndex();
    out.writeShort(oneByte ? RtpPacket.ONE_BYTE_PROFILE : RtpPacket.TWO_BYTE_PROFILE);
    out.writeShort(0);
    for (RtpExtension e : elements) {
      int id = map(e.id());
      if (id == 0) {
        continue;
      }
      if (oneByte) {
        out.writeByte(id << 4 | (e.length() - 1));
      } else {
        out.writeByte(id);
        out.writeByte(e.length());
      }
      out.writeBytes(in, at + e.offset(), e.length());
    }
    while ((out.writerIndex() - start) % 4 != 0) {
      out.writeByte(0);
    }
    out.setShort(start + 2, (out.writerIndex() - start - 4) / 4);
    return true;
  }
}
