package studio.tally.testing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ffprobe as a test peer: {@link #probe} reads a URL or file and returns its streams and format;
 * {@link #countVideoPackets} proves media flows. Network reads carry {@code -rw_timeout} and the
 * process a hard deadline, so a silent server fails the test instead of hanging it.
 */
public final class Ffprobe {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String label;
  private final Path executable;
  private final String debianPackage;

  Ffprobe(String label, Path executable, String debianPackage) {
    this.label = label;
    this.executable = executable;
    this.debianPackage = debianPackage;
  }

  /** ffprobe 8.1 from the bytedeco jar. */
  public static Ffprobe bundled() {
    return Ffmpeg.bundled().ffprobe();
  }

  /** Debian's /usr/bin/ffprobe 5.1. */
  public static Ffprobe debian() {
    return Ffmpeg.debian().ffprobe();
  }

  public Path executable() {
    return executable;
  }

  @Override
  public String toString() {
    return label + " (" + executable + ")";
  }

  /** Streams and format of url; fails with ffprobe's stderr if it cannot read them within timeout. */
  public Probe probe(String url, Duration timeout) {
    var args = new ArrayList<String>(List.of("-v", "error"));
    args.addAll(Ffmpeg.timeoutArgs(url));
    args.addAll(List.of("-show_streams", "-show_format", "-of", "json", url));
    return run(args, timeout, url);
  }

  /** {@link #probe(String, Duration)} with a 15 s deadline. */
  public Probe probe(String url) {
    return probe(url, Duration.ofSeconds(15));
  }

  /**
   * Reads the first video stream of url for about seconds of media time and returns how many
   * packets arrived ({@code -count_packets -read_intervals %+N}): proof that media actually flows.
   */
  public long countVideoPackets(String url, int seconds) {
    var args = new ArrayList<String>(List.of("-v", "error"));
    args.addAll(Ffmpeg.timeoutArgs(url));
    args.addAll(List.of("-select_streams", "v:0", "-count_packets", "-read_intervals", "%+" + seconds,
        "-show_entries", "stream=index,codec_type,codec_name,nb_read_packets", "-of", "json", url));
    Probe probe = run(args, Duration.ofSeconds(seconds + 15L), url);
    return probe.video().map(Stream::nbReadPackets).filter(n -> n != null)
        .orElseThrow(() -> new AssertionError(label + " found no video stream in " + url + ": " + probe));
  }

  private Probe run(List<String> args, Duration timeout, String url) {
    var command = new ArrayList<String>();
    command.add(executable.toString());
    command.addAll(args);
    var process = new PeerProcess(label, command, Map.of(), null);
    int code = process.waitFor(timeout);
    String out;
    try {
      out = Files.readString(process.stdoutFile());
    } catch (IOException e) {
      throw new AssertionError("cannot read the output of " + process.describe(), e);
    }
    if (code != 0) {
      String hint = process.stderrTail().contains("error while loading shared libraries")
          ? "\n  (a shared library is missing: apt-get install -y " + debianPackage + ")" : "";
      throw new AssertionError(label + " could not read " + url + " (exit " + code + ")" + hint + "\n" + process.describe());
    }
    try {
      return JSON.readValue(out, Probe.class);
    } catch (IOException e) {
      throw new AssertionError(label + " printed JSON we cannot parse: " + e.getMessage() + "\n" + out, e);
    }
  }

  /** What ffprobe saw: streams in file order, and the container. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Probe(List<Stream> streams, Format format) {
    public Probe {
      streams = streams == null ? List.of() : List.copyOf(streams);
    }

    public Optional<Stream> video() {
      return streams.stream().filter(s -> "video".equals(s.codecType())).findFirst();
    }

    public Optional<Stream> audio() {
      return streams.stream().filter(s -> "audio".equals(s.codecType())).findFirst();
    }
  }

  /** One stream; fields ffprobe does not print for this stream type are null. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Stream(
      int index,
      @JsonProperty("codec_type") String codecType,
      @JsonProperty("codec_name") String codecName,
      @JsonProperty("codec_tag_string") String codecTag,
      String profile,
      Integer width,
      Integer height,
      @JsonProperty("pix_fmt") String pixFmt,
      @JsonProperty("avg_frame_rate") String avgFrameRate,
      @JsonProperty("r_frame_rate") String rFrameRate,
      @JsonProperty("sample_rate") Integer sampleRate,
      Integer channels,
      @JsonProperty("nb_read_packets") Long nbReadPackets) {

    /** avg_frame_rate as a number ("30/1" → 30.0); NaN when unknown ("0/0"). */
    public double avgFps() {
      return rate(avgFrameRate);
    }

    /** r_frame_rate as a number. */
    public double rFps() {
      return rate(rFrameRate);
    }

    private static double rate(String fraction) {
      if (fraction == null) return Double.NaN;
      String[] parts = fraction.split("/");
      double num = Double.parseDouble(parts[0]);
      double den = parts.length > 1 ? Double.parseDouble(parts[1]) : 1;
      return den == 0 ? Double.NaN : num / den;
    }
  }

  /** The container. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Format(
      @JsonProperty("format_name") String formatName,
      @JsonProperty("nb_streams") Integer nbStreams,
      Double duration,
      @JsonProperty("bit_rate") Long bitRate,
      Map<String, String> tags) {}
}
