package studio.tally.proto.rtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SDES (RFC 3550 §6.5), PT 202, SC = number of chunks. Each chunk: SSRC, then items
 * {@code type(8) length(8) text[length]}, ended by a zero type and padded with zeros to 32 bits.
 * <pre>
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * |                          SSRC/CSRC_1                          |
 * |    CNAME=1    |     length    | user and domain name        ...
 * </pre>
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {
  public static final int CNAME = 1;

  public record Item(int type, String text) {}

  public record Chunk(int ssrc, List<Item> items) {
    public Chunk {
      items = List.copyOf(items);
    }

    /** The CNAME item, or null. */
    public String cname() {
      return items.stream().filter(i -> i.type() == CNAME).map(Item::text).findFirst().orElse(null);
    }
  }

  public SourceDescription {
    chunks = List.copyOf(chunks);
  }

  public static SourceDescription cname(int ssrc, String cname) {
    return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
  }

  static SourceDescription parse(RtcpReader r, int count) {
    List<Chunk> chunks = new ArrayList<>(count);
    for (int c = 0; c < count; c++) {
      int start = r.position();
      int ssrc = r.i32("SDES chunk SSRC");
      List<Item> items = new ArrayList<>();
      while (true) {
        int type = r.u8("SDES item type");
        if (type == 0) {
          break;
        }
        int len = r.u8("SDES item length");
        items.add(new Item(type, new String(r.bytes(len, "SDES item text"), StandardCharsets.UTF_8)));
      }
      while ((r.position() - start) % 4 != 0) { // the null item's padding to the next word
        r.u8("SDES chunk padding");
      }
      chunks.add(new Chunk(ssrc, items));
    }
    return new SourceDescription(chunks);
  }

  @Override
  public void write(ByteBuf out) {
    int start = RtcpPacket.writeHeader(out, chunks.size(), SDES);
    for (Chunk c : chunks) {
      int chunkStart = out.writerIndex();
      out.writeInt(c.ssrc());
      for (Item i : c.items()) {
        byte[] text = i.text().getBytes(StandardCharsets.UTF_8);
        if (text.length > 255) {
          throw new IllegalArgumentException("rtcp: SDES item of " + text.length + " bytes, at most 255");
        }
        out.writeByte(i.type());
        out.writeByte(text.length);
        out.writeBytes(text);
      }
      do {
        out.writeByte(0); // end of items, then pad to 32 bits
      } while ((out.writerIndex() - chunkStart) % 4 != 0);
    }
    RtcpPacket.finish(out, start);
  }
}
