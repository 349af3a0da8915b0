package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An RTP packet header parsed from bytes (RFC 3550 §5.1), with where the payload lies. A view:
 * offsets are relative to the packet's first byte, the bytes stay in the caller's buffer.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers × CC        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length (words)      |  X = 1 (§5.3.1)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  payload ...                  |  padding ... | padding count  |  P = 1: last byte counts itself
 * </pre>
 * Header extensions (RFC 8285): profile 0xBEDE = one-byte elements {@code ID(4)|L(4) value[L+1]},
 * id 15 stops parsing; profile 0x100x = two-byte elements {@code ID(8) L(8) value[L]}; zero bytes
 * between elements are padding.
 *
 * @param timestamp unsigned 32-bit RTP timestamp
 * @param extensionProfile the 16-bit "defined by profile" value, -1 without an extension
 * @param extensionOffset offset of the extension body (after its 4-byte header), 0 without
 * @param extensionLength bytes of extension body
 */
public record RtpPacket(
    boolean padding,
    boolean marker,
    int payloadType,
    int sequence,
    long timestamp,
    int ssrc,
    int[] csrcs,
    int extensionProfile,
    int extensionOffset,
    int extensionLength,
    int payloadOffset,
    int payloadLength,
    int paddingLength) {

  public static final int HEADER_LENGTH = 12;
  public static final int ONE_BYTE_PROFILE = 0xBEDE;
  /** Two-byte profiles are 0x1000..0x100F (the low 4 bits are "appbits"). */
  public static final int TWO_BYTE_PROFILE = 0x1000;

  public boolean hasExtension() {
    return extensionProfile >= 0;
  }

  /** Header length: where the payload starts. */
  public int headerLength() {
    return payloadOffset;
  }

  /** Parses the packet in {@code buf}'s readable bytes without moving its indexes. */
  public static RtpPacket parse(ByteBuf buf) {
    return parse(buf, buf.readerIndex(), buf.readableBytes());
  }

  /** Parses the packet {@code buf[at, at+len)}. */
  public static RtpPacket parse(ByteBuf buf, int at, int len) {
    if (len < HEADER_LENGTH) {
      throw new RtpException("rtp: packet length " + len + " below the 12-byte header");
    }
    int b0 = buf.getUnsignedByte(at);
    if (b0 >>> 6 != 2) {
      throw new RtpException("rtp: version " + (b0 >>> 6) + ", expected 2");
    }
    int b1 = buf.getUnsignedByte(at + 1);
    int cc = b0 & 0x0f;
    int off = HEADER_LENGTH + 4 * cc;
    if (off > len) {
      throw new RtpException("rtp: CSRC count " + cc + " overruns packet length " + len);
    }
    int[] csrcs = new int[cc];
    for (int i = 0; i < cc; i++) {
      csrcs[i] = buf.getInt(at + HEADER_LENGTH + 4 * i);
    }
    int profile = -1;
    int extOffset = 0;
    int extLength = 0;
    if ((b0 & 0x10) != 0) {
      if (off + 4 > len) {
        throw new RtpException("rtp: extension header overruns packet length " + len);
      }
      profile = buf.getUnsignedShort(at + off);
      extLength = 4 * buf.getUnsignedShort(at + off + 2);
      extOffset = off + 4;
      off = extOffset + extLength;
      if (off > len) {
        throw new RtpException("rtp: extension length " + extLength + " overruns packet length " + len);
      }
    }
    int pad = 0;
    if ((b0 & 0x20) != 0) {
      pad = buf.getUnsignedByte(at + len - 1);
      if (pad == 0 || pad > len - off) {
        throw new RtpException("rtp: padding length " + pad + " with " + (len - off) + " bytes after the header");
      }
    }
    return new RtpPacket((b0 & 0x20) != 0, (b1 & 0x80) != 0, b1 & 0x7f, buf.getUnsignedShort(at + 2),
        buf.getUnsignedInt(at + 4), buf.getInt(at + 8), csrcs, profile, extOffset, extLength, off,
        len - off - pad, pad);
  }

  /**
   * The RFC 8285 elements of the header extension of the packet starting at {@code at} (empty when
   * there is none or its profile is neither one-byte nor two-byte).
   */
  public List<RtpExtension> extensions(ByteBuf buf, int at) {
    List<RtpExtension> out = new ArrayList<>();
    boolean oneByte = extensionProfile == ONE_BYTE_PROFILE;
    boolean twoByte = (extensionProfile & 0xfff0) == TWO_BYTE_PROFILE;
    if (!oneByte && !twoByte) {
      return out;
    }
    int end = extensionOffset + extensionLength;
    int i = extensionOffset;
    while (i < end) {
      int b = buf.getUnsignedByte(at + i);
      if (b == 0) { // padding
        i++;
        continue;
      }
      int id;
      int l;
      if (oneByte) {
        id = b >>> 4;
        if (id == 15) {
          break; // reserved: stop processing (RFC 8285 §4.2)
        }
        l = (b & 0x0f) + 1;
        i++;
      } else {
        if (i + 2 > end) {
          throw new RtpException("rtp: two-byte extension element header at " + i + " overruns the extension");
        }
        id = b;
        l = buf.getUnsignedByte(at + i + 1);
        i += 2;
      }
      if (i + l > end) {
        throw new RtpException("rtp: extension element id " + id + " length " + l + " overruns the extension");
      }
      out.add(new RtpExtension(id, i, l));
      i += l;
    }
    return out;
  }

  /** The element with this id, or null. */
  public RtpExtension extension(ByteBuf buf, int at, int id) {
    for (RtpExtension e : extensions(buf, at)) {
      if (e.id() == id) {
        return e;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ in-place rewriting (SFU)

  public static void setSequence(ByteBuf buf, int at, int seq) {
    buf.setShort(at + 2, seq);
  }

  public static void setTimestamp(ByteBuf buf, int at, long timestamp) {
    buf.setInt(at + 4, (int) timestamp);
  }

  public static void setSsrc(ByteBuf buf, int at, int ssrc) {
    buf.setInt(at + 8, ssrc);
  }

  /** Rewrites the payload type, keeping the marker bit. */
  public static void setPayloadType(ByteBuf buf, int at, int payloadType) {
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("rtp: payload type " + payloadType + " out of range 0..127");
    }
    buf.setByte(at + 1, (buf.getUnsignedByte(at + 1) & 0x80) | payloadType);
  }

  public static void setMarker(ByteBuf buf, int at, boolean marker) {
    int b1 = buf.getUnsignedByte(at + 1);
    buf.setByte(at + 1, marker ? b1 | 0x80 : b1 & 0x7f);
  }

  /**
   * Sets extension element {@code id} in place where space allows: overwrites an element of that id
   * with the same value length, else writes a new element into padding bytes of the extension.
   * Never grows the packet. Returns false when there is no room (the caller rebuilds the packet).
   */
  public boolean setExtension(ByteBuf buf, int at, int id, byte[] value) {
    boolean oneByte = extensionProfile == ONE_BYTE_PROFILE;
    if (!oneByte && (extensionProfile & 0xfff0) != TWO_BYTE_PROFILE) {
      return false;
    }
    if (oneByte ? id < 1 || id > 14 || value.length < 1 || value.length > 16
        : id < 1 || id > 255 || value.length > 255) {
      throw new IllegalArgumentException("rtp: extension id " + id + " length " + value.length
          + " invalid for the " + (oneByte ? "one" : "two") + "-byte form");
    }
    List<RtpExtension> elements = extensions(buf, at);
    for (RtpExtension e : elements) {
      if (e.id() == id && e.length() == value.length) {
        buf.setBytes(at + e.offset(), value);
        return true;
      }
      if (e.id() == id) {
        return false;
      }
    }
    int used = elements.isEmpty() ? extensionOffset
        : elements.get(elements.size() - 1).offset() + elements.get(elements.size() - 1).length();
    int need = (oneByte ? 1 : 2) + value.length;
    if (used + need > extensionOffset + extensionLength) {
      return false;
    }
    for (int i = used; i < used + need; i++) { // only overwrite padding
      if (buf.getByte(at + i) != 0) {
        return false;
      }
    }
    if (oneByte) {
      buf.setByte(at + used, id << 4 | (value.length - 1));
    } else {
      buf.setByte(at + used, id);
      buf.setByte(at + used + 1, value.length);
    }
    buf.setBytes(at + used + need - value.length, value);
    return true;
  }

  // ------------------------------------------------------------------ writing

  /** An extension element to write. */
  public record Element(int id, byte[] value) {}

  /**
   * Writes a header (no padding) to {@code out}; the caller writes the payload after it. Elements
   * use the one-byte form when every id is 1..14 and value 1..16 bytes, else the two-byte form.
   */
  public static void writeHeader(ByteBuf out, boolean marker, int payloadType, int sequence, long timestamp,
      int ssrc, int[] csrcs, List<Element> extensions) {
    if (csrcs.length > 15) {
      throw new IllegalArgumentException("rtp: " + csrcs.length + " CSRCs, at most 15");
    }
    boolean ext = extensions != null && !extensions.isEmpty();
    out.writeByte(0x80 | (ext ? 0x10 : 0) | csrcs.length);
    out.writeByte((marker ? 0x80 : 0) | (payloadType & 0x7f));
    out.writeShort(sequence);
    out.writeInt((int) timestamp);
    out.writeInt(ssrc);
    for (int c : csrcs) {
      out.writeInt(c);
    }
    if (!ext) {
      return;
    }
    boolean oneByte = extensions.stream().allMatch(e -> e.id() >= 1 && e.id() <= 14
        && e.value().length >= 1 && e.value().length <= 16);
    int lengthAt = out.writerIndex() + 2;
    out.writeShort(oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
    out.writeShort(0);
    int start = out.writerIndex();
    for (Element e : extensions) {
      if (oneByte) {
        out.writeByte(e.id() << 4 | (e.value().length - 1));
      } else {
        if (e.id() < 1 || e.id() > 255 || e.value().length > 255) {
          throw new IllegalArgumentException("rtp: extension id " + e.id() + " length " + e.value().length);
        }
        out.writeByte(e.id());
        out.writeByte(e.value().length);
      }
      out.writeBytes(e.value());
    }
    while ((out.writerIndex() - start) % 4 != 0) {
      out.writeByte(0);
    }
    out.setShort(lengthAt, (out.writerIndex() - start) / 4);
  }
}
