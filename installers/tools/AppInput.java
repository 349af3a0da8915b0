import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies the app's jars (target/tally-studio.jar + target/lib) into the installer's input directory,
 * leaving out what the installed app never runs, and refuses a foreign native:
 * <ul>
 *   <li>the {@code ffmpeg}/{@code ffprobe} executables inside the bytedeco FFmpeg jar (tests use them as
 *       peers; the app links libav* through JNI; macOS notarization refuses unsigned executables in jars);
 *   <li>GraalVM native-image metadata ({@code META-INF/native-image/}), which a JVM never reads;
 *   <li>every jar is rewritten with its entries stored, not deflated: the package's own compression (xz in
 *       a .deb/.rpm/.tar.xz, LZX in an .msi, zlib in a .dmg) then sees the raw bytes and does far better
 *       than on deflated ones, and the JVM reads classes without inflating them;
 *   <li>any native library ({@code .so .dll .dylib .jnilib}) for another OS or architecture than
 *       PLATFORM fails the build: each OS/arch gets its own installer, built on its own runner.
 * </ul>
 * Usage: {@code java installers/tools/AppInput.java PLATFORM APP_JAR LIB_DIR OUT_DIR}, PLATFORM one of
 * linux-x86_64, linux-aarch64, macosx-x86_64, macosx-arm64, windows-x86_64.
 */
public final class AppInput {
  private static final Pattern EXECUTABLE = Pattern.compile("org/bytedeco/ffmpeg/[^/]+/(ffmpeg|ffprobe|ffplay)(\\.exe)?");
  private static final Pattern NATIVE = Pattern.compile(".*\\.(so(\\.[0-9.]+)?|dll|dylib|jnilib)");

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: AppInput PLATFORM APP_JAR LIB_DIR OUT_DIR");
      System.exit(2);
    }
    String platform = args[0];
    Path out = Files.createDirectories(Path.of(args[3]));
    List<Path> jars = new ArrayList<>();
    jars.add(Path.of(args[1]));
    try (var s = Files.list(Path.of(args[2]))) {
      s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
    }
    List<String> foreign = new ArrayList<>();
    long before = 0;
    long after = 0;
    for (Path jar : jars) {
      before += Files.size(jar);
      Path target = out.resolve(jar.getFileName());
      List<String> dropped = copyWithout(jar, target, platform, foreign);
      after += Files.size(target);
      if (!dropped.isEmpty()) System.out.println("  " + jar.getFileName() + ": left out " + String.join(", ", dropped));
    }
    if (!foreign.isEmpty()) {
      System.err.println("foreign natives for a " + platform + " installer (use this OS's Maven profile):\n  "
          + String.join("\n  ", foreign));
      System.exit(1);
    }
    System.out.printf("app input: %d jars, %.1f MB stored (%.1f MB deflated) in %s%n", jars.size(), after / 1e6, before / 1e6, out);
  }

  private static List<String> copyWithout(Path jar, Path target, String platform, List<String> foreign) throws IOException {
    List<String> dropped = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().filter(e -> !e.isDirectory() && NATIVE.matcher(e.getName()).matches()
          && !nativeFits(e.getName(), jar.getFileName().toString(), platform))
          .forEach(e -> foreign.add(jar.getFileName() + "!/" + e.getName()));
      try (var zout = new ZipOutputStream(Files.newOutputStream(target))) {
        for (var entries = zip.entries(); entries.hasMoreElements(); ) {
          ZipEntry e = entries.nextElement();
          if (leaveOut(e.getName())) {
            if (!e.isDirectory() && EXECUTABLE.matcher(e.getName()).matches()) dropped.add(e.getName());
            continue;
          }
          byte[] data;
          try (InputStream in = zip.getInputStream(e)) {
            data = in.readAllBytes();
          }
          ZipEntry copy = new ZipEntry(e.getName());
          copy.setTime(e.getTime());
          copy.setMethod(ZipEntry.STORED);
          copy.setSize(data.length);
          copy.setCompressedSize(data.length);
          CRC32 crc = new CRC32();
          crc.update(data);
          copy.setCrc(crc.getValue());
          zout.putNextEntry(copy);
          zout.write(data);
          zout.closeEntry();
        }
      }
    }
    return dropped;
  }

  private static boolean leaveOut(String name) {
    return EXECUTABLE.matcher(name).matches() || name.startsWith("META-INF/native-image/");
  }

  /** A native belongs to PLATFORM when its path or its jar's classifier names it, and names no other platform. */
  static boolean nativeFits(String entry, String jarName, String platform) {
    String where = (jarName + "/" + entry).toLowerCase(Locale.ROOT);
    String os = platform.substring(0, platform.indexOf('-'));
    String arch = platform.substring(platform.indexOf('-') + 1);
    boolean linux = where.contains("linux");
    boolean mac = where.contains("mac") || where.contains("osx") || where.contains("darwin");
    boolean win = where.contains("win");
    boolean arm = where.contains("aarch64") || where.contains("aarch_64") || where.contains("arm64");
    boolean x64 = where.contains("x86_64") || where.contains("x86-64") || where.contains("amd64") || where.contains("x64");
    boolean osOk = switch (os) {
      case "linux" -> linux && !mac && !win;
      case "macosx" -> mac && !linux && !win;
      case "windows" -> win && !linux && !mac;
      default -> false;
    };
    // JavaFX's x86_64 jars carry no arch in their name (javafx-graphics-25-linux.jar): no arm token means x86_64
    boolean archOk = arch.equals("x86_64") ? !arm : arm && !x64;
    return osOk && archOk;
  }
}
