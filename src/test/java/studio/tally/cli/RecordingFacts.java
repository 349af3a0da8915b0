package studio.tally.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import studio.tally.testing.Ffprobe;
import studio.tally.testing.PeerProcess;

/** What a recording file is made of: its top-level MP4 boxes, and the pts of each video packet (read by ffprobe). */
final class RecordingFacts {
  private RecordingFacts() {}

  /** Types of the top-level ISO BMFF boxes in file order ("ftyp", "moov", "mdat", ...). */
  static List<String> topLevelBoxes(Path file) {
    List<String> types = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long pos = 0;
      ByteBuffer header = ByteBuffer.allocate(16);
      while (pos + 8 <= size) {
        header.clear();
        ch.read(header, pos);
        header.flip();
        long boxSize = Integer.toUnsignedLong(header.getInt(0));
        byte[] type = new byte[4];
        header.get(4, type);
        types.add(new String(type, java.nio.charset.StandardCharsets.ISO_8859_1));
        if (boxSize == 1) boxSize = header.getLong(8); // 64-bit largesize
        else if (boxSize == 0) boxSize = size - pos; // to the end of the file
        if (boxSize < 8) throw new AssertionError("box '" + types.getLast() + "' at " + pos + " has size " + boxSize);
        pos += boxSize;
      }
      return types;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One video packet: presentation time (s) and whether it is a keyframe. */
  record VideoPacket(double pts, boolean keyframe) {}

  /** Every video packet of file, sorted by pts (B-frames come out of order in decode order). */
  static List<VideoPacket> videoPackets(Path file) {
    var process = PeerProcess.start("ffprobe-packets", List.of(Ffprobe.bundled().executable().toString(), "-v", "error",
        "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", file.toString()));
    int code = process.waitFor(Duration.ofSeconds(30));
    if (code != 0) throw new AssertionError("ffprobe could not list the packets of " + file + "\n" + process.describe());
    try {
      return Files.readAllLines(process.stdoutFile()).stream().map(String::strip).filter(l -> !l.isEmpty())
          .map(l -> l.split(",")).filter(f -> !f[0].equals("N/A"))
          .map(f -> new VideoPacket(Double.parseDouble(f[0]), f.length > 1 && f[1].startsWith("K")))
          .sorted(java.util.Comparator.comparingDouble(VideoPacket::pts)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Presentation times (s) of every video packet of file, sorted. */
  static List<Double> videoPacketPts(Path file) {
    return videoPackets(file).stream().map(VideoPacket::pts).toList();
  }

  /** The largest distance between consecutive sorted pts (s). */
  static double maxGap(List<Double> sortedPts) {
    double max = 0;
    for (int i = 1; i < sortedPts.size(); i++) max = Math.max(max, sortedPts.get(i) - sortedPts.get(i - 1));
    return max;
  }

  static Map<String, Object> summary(List<Double> pts, double fps) {
    double span = pts.getLast() - pts.getFirst();
    return Map.of("packets", pts.size(), "first", pts.getFirst(), "last", pts.getLast(),
        "expected", Math.round(span * fps) + 1, "maxGapMs", Math.round(maxGap(pts) * 1000));
  }
}
