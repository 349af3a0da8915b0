package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;

/**
 * VP8 payload descriptor (RFC 7741 §4.2), parsed for keyframe detection and picture ids:
 * <pre>
 *      0 1 2 3 4 5 6 7
 *     +-+-+-+-+-+-+-+-+
 *     |X|R|N|S|R| PID | (REQUIRED)
 *     +-+-+-+-+-+-+-+-+
 * X:  |I|L|T|K| RSV   | (OPTIONAL)
 * I:  |M| PictureID   | (OPTIONAL, M = 1: 15-bit picture id, 2 bytes)
 * L:  |   TL0PICIDX   | (OPTIONAL)
 * T/K:|TID|Y| KEYIDX  | (OPTIONAL)
 *     then the VP8 payload header (RFC 7741 §4.3): |Size0|H|VER|P| — P = 0 is a key frame
 * </pre>
 *
 * @param pictureId the picture id (7 or 15 bits), -1 when absent
 * @param headerLength bytes of descriptor before the VP8 payload
 * @param keyframe S = 1, PID = 0 and the inverse key frame bit P of the payload header is 0
 */
public record Vp8PayloadDescriptor(boolean nonReference, boolean startOfPartition, int partitionIndex,
    int pictureId, int headerLength, boolean keyframe) {

  public static Vp8PayloadDescriptor parse(ByteBuf payload) {
    int at = payload.readerIndex();
    int n = payload.readableBytes();
    if (n < 1) {
      throw new RtpException("vp8: empty payload");
    }
    int b0 = payload.getUnsignedByte(at);
    int i = 1;
    int pictureId = -1;
    if ((b0 & 0x80) != 0) {
      need(n, i + 1, "X byte");
      int x = payload.getUnsignedByte(at + i++);
      if ((x & 0x80) != 0) {
        need(n, i + 1, "picture id");
        int p = payload.getUnsignedByte(at + i++);
        if ((p & 0x80) != 0) {
          need(n, i + 1, "15-bit picture id");
          pictureId = (p & 0x7f) << 8 | payload.getUnsignedByte(at + i++);
        } else {
          pictureId = p;
        }
      }
      if ((x & 0x40) != 0) {
        need(n, i + 1, "TL0PICIDX");
        i++;
      }
      if ((x & 0x30) != 0) {
        need(n, i + 1, "TID/KEYIDX");
        i++;
      }
    }
    boolean start = (b0 & 0x10) != 0;
    int pid = b0 & 0x07;
    boolean key = start && pid == 0 && i < n && (payload.getUnsignedByte(at + i) & 0x01) == 0;
    return new Vp8PayloadDescriptor((b0 & 0x20) != 0, start, pid, pictureId, i, key);
  }

  private static void need(int n, int upTo, String field) {
    if (upTo > n) {
      throw new RtpException("vp8: payload descriptor " + field + " past the " + n + "-byte payload");
    }
  }
}
