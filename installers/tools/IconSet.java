import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.SVGLoader;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Renders assets/tally.svg into every icon the installers need, with JSVG (pure Java, no display):
 * PNGs at 16..1024 px (Linux: the .deb/.rpm menu icon, hicolor sizes), tally.ico (Windows: PNG
 * entries, which Windows Vista+ reads) and tally.icns (macOS: PNG entries by OSType).
 *
 * <p>Usage: {@code java -cp jsvg.jar installers/tools/IconSet.java assets/tally.svg OUT_DIR}
 */
public final class IconSet {
  private static final int[] PNG_SIZES = {16, 24, 32, 48, 64, 128, 256, 512, 1024};
  private static final int[] ICO_SIZES = {16, 24, 32, 48, 64, 128, 256};
  /** ICNS OSTypes that hold PNG data, by pixel size (ic11..ic14 are the @2x variants). */
  private static final Map<String, Integer> ICNS = new LinkedHashMap<>();

  static {
    ICNS.put("icp4", 16); ICNS.put("icp5", 32); ICNS.put("icp6", 64); ICNS.put("ic07", 128); ICNS.put("ic08", 256);
    ICNS.put("ic09", 512); ICNS.put("ic10", 1024); ICNS.put("ic11", 32); ICNS.put("ic12", 64); ICNS.put("ic13", 256);
    ICNS.put("ic14", 512);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: IconSet SVG OUT_DIR");
      System.exit(2);
    }
    SVGDocument svg = new SVGLoader().load(Path.of(args[0]).toUri().toURL());
    if (svg == null) throw new IOException("cannot parse " + args[0]);
    Path out = Files.createDirectories(Path.of(args[1]));
    Map<Integer, byte[]> png = new LinkedHashMap<>();
    for (int size : PNG_SIZES) {
      png.put(size, png(render(svg, size)));
      Files.write(out.resolve("tally-" + size + ".png"), png.get(size));
    }
    Files.write(out.resolve("tally.png"), png.get(256));
    Files.write(out.resolve("tally.ico"), ico(png, ICO_SIZES));
    Files.write(out.resolve("tally.icns"), icns(png));
    System.out.println("icons: " + PNG_SIZES.length + " PNGs, tally.ico, tally.icns in " + out);
  }

  private static BufferedImage render(SVGDocument svg, int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
    var g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    var box = svg.size();
    g.scale(size / box.width, size / box.height);
    svg.render(null, g);
    g.dispose();
    return img;
  }

  private static byte[] png(BufferedImage img) throws IOException {
    var bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    return bytes.toByteArray();
  }

  /** ICONDIR (6 bytes) + one 16-byte ICONDIRENTRY per image + the PNGs; all little-endian. */
  private static byte[] ico(Map<Integer, byte[]> png, int[] sizes) {
    var bytes = new ByteArrayOutputStream();
    le16(bytes, 0); le16(bytes, 1); le16(bytes, sizes.length);
    int offset = 6 + 16 * sizes.length;
    for (int size : sizes) {
      bytes.write(size >= 256 ? 0 : size); // 0 means 256
      bytes.write(size >= 256 ? 0 : size);
      bytes.write(0); bytes.write(0);      // no palette, reserved
      le16(bytes, 1); le16(bytes, 32);     // planes, bits per pixel
      le32(bytes, png.get(size).length); le32(bytes, offset);
      offset += png.get(size).length;
    }
    for (int size : sizes) bytes.writeBytes(png.get(size));
    return bytes.toByteArray();
  }

  /** 'icns' + total length, then per entry OSType + length (8 + data) + PNG data; all big-endian. */
  private static byte[] icns(Map<Integer, byte[]> png) throws IOException {
    var body = new ByteArrayOutputStream();
    var out = new DataOutputStream(body);
    for (var e : ICNS.entrySet()) {
      byte[] data = png.get(e.getValue());
      out.writeBytes(e.getKey());
      out.writeInt(8 + data.length);
      out.write(data);
    }
    var file = new ByteArrayOutputStream();
    var head = new DataOutputStream(file);
    head.writeBytes("icns");
    head.writeInt(8 + body.size());
    head.write(body.toByteArray());
    return file.toByteArray();
  }

  private static void le16(ByteArrayOutputStream out, int v) {
    out.write(v & 0xff); out.write((v >>> 8) & 0xff);
  }

  private static void le32(ByteArrayOutputStream out, int v) {
    le16(out, v & 0xffff); le16(out, v >>> 16);
  }
}
