package studio.tally.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Test vectors written as hex with spaces, comments after '#' up to the end of a line. */
public final class Hex {
  private Hex() {}

  public static byte[] bytes(String hex) {
    StringBuilder clean = new StringBuilder();
    for (String line : hex.split("\n")) {
      int hash = line.indexOf('#');
      clean.append((hash >= 0 ? line.substring(0, hash) : line).replaceAll("\\s", ""));
    }
    return ByteBufUtil.decodeHexDump(clean);
  }

  public static ByteBuf buf(String hex) {
    return Unpooled.wrappedBuffer(bytes(hex));
  }

  public static String of(ByteBuf buf) {
    return ByteBufUtil.hexDump(buf);
  }
}
