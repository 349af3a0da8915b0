package studio.tally.server.bridge;

import static studio.tally.testing.Stats.max;
import static studio.tally.testing.Stats.median;
import static studio.tally.testing.Stats.min;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import studio.tally.media.transcode.FfmpegAudioTranscoders;
import studio.tally.proto.flv.FlvTag;
import studio.tally.proto.flv.FlvTagReader;
import studio.tally.testing.Ffmpeg;
import studio.tally.testing.PeerFiles;

/**
 * CPU of one RTMP stream bridged to WebRTC (bench/transcode-cost.sh, second table): N seconds of an FFmpeg
 * FLV (testsrc2 1280x720 30 fps, x264 veryfast 2500 kbps, 2 s GOP; AAC 128 kbps 48 kHz stereo tone) through
 * what the bridge does per stream — {@link H264ToRtp} (NAL split, STAP-A, FU-A, RTP headers) and the AAC →
 * Opus transcode ({@link FfmpegAudioTranscoders}) — as thread CPU time over media time; beside each, the
 * ffmpeg 8.1 CLI doing the same job on the same file ({@code -c:v copy -f rtp} to a local socket, and AAC →
 * libopus 64 kbps into the null muxer), its user + sys time (which also pays its start-up and FLV
 * demuxing). Median of 5 runs after one warm-up, min–max beside it.
 */
public final class BridgeCostBench {
  private BridgeCostBench() {}

  record Media(byte[] avcc, List<FlvTag> video, byte[] asc, List<FlvTag> audio) {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    Path flv = PeerFiles.newDir("bridge-cost").resolve("stream.flv");
    Ffmpeg.bundled().start(List.of("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
        "sine=frequency=1000:sample_rate=48000", "-t", Integer.toString(seconds), "-c:v", "libx264", "-preset", "veryfast",
        "-tune", "zerolatency", "-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "2500k", "-g", "60", "-bf", "0",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-f", "flv", flv.toString()))
        .waitForSuccess(Duration.ofSeconds(600));
    Media m = read(flv);
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    var transcoders = new FfmpegAudioTranscoders();
    List<Double> packetize = new ArrayList<>();
    List<Double> transcode = new ArrayList<>();
    List<Double> cliCopy = new ArrayList<>();
    List<Double> cliOpus = new ArrayList<>();
    try (DatagramSocket sink = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int run = 0; run < 6; run++) {
        long cpu0 = bean.getCurrentThreadCpuTime();
        var rtp = new H264ToRtp(UnpooledByteBufAllocator.DEFAULT, 1, 0, 0);
        rtp.configure(m.avcc);
        long bytes = 0;
        for (FlvTag t : m.video) {
          ByteBuf body = t.body();
          ByteBuf units = body.slice(body.readerIndex() + 5, body.readableBytes() - 5);
          boolean key = (body.getUnsignedByte(body.readerIndex()) >> 4) == 1;
          for (ByteBuf p : rtp.packetize(units, t.timestamp(), key, false).packets()) {
            bytes += p.readableBytes();
            p.release();
          }
        }
        double packetizeShare = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9 / seconds * 100;
        cpu0 = bean.getCurrentThreadCpuTime();
        try (AudioTranscoder t = transcoders.open(new AudioFormat(AudioCodecId.AAC, 48_000, 2, m.asc), AudioFormat.opus())) {
          for (FlvTag a : m.audio) {
            ByteBuf body = a.body();
            t.transcode(new AudioUnit(ByteBufUtil.getBytes(body, body.readerIndex() + 2, body.readableBytes() - 2),
                a.timestamp() * 1000));
          }
        }
        double transcodeShare = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9 / seconds * 100;
        double copy = Ffmpeg.bundled().cpuPercent("-i " + flv + " -map 0:v -c copy -f rtp rtp://127.0.0.1:" + sink.getLocalPort(), seconds);
        double opus = Ffmpeg.bundled().cpuPercent("-i " + flv + " -map 0:a -c:a libopus -b:a 64k -ar 48000 -f null -", seconds);
        if (run > 0) { // the first run warms up the JIT and loads the natives
          packetize.add(packetizeShare);
          transcode.add(transcodeShare);
          cliCopy.add(copy);
          cliOpus.add(opus);
        } else {
          System.out.printf(Locale.ROOT, "warm-up: %d video tags -> %.1f Mbit/s of RTP, %d AAC units%n", m.video.size(),
              bytes * 8.0 / seconds / 1e6, m.audio.size());
        }
      }
    }
    m.video.forEach(FlvTag::release);
    m.audio.forEach(FlvTag::release);
    List<Double> sum = new ArrayList<>();
    for (int i = 0; i < packetize.size(); i++) {
      sum.add(packetize.get(i) + transcode.get(i));
    }
    System.out.printf(Locale.ROOT, "%s, %d cores, load %s, `bash bench/transcode-cost.sh %d` (second table)%n%n", LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0], seconds);
    System.out.println("| RTMP -> WebRTC, one stream (1280x720 30 fps 2.5 Mbit/s H.264 + AAC 128 kbps) | % of one core (median of 5) | min-max | ffmpeg 8.1 CLI, same job | ours / CLI |");
    System.out.println("|---|---|---|---|---|");
    row("H.264 -> RTP (H264ToRtp) | CLI: `-c:v copy -f rtp`", packetize, cliCopy);
    row("AAC -> Opus 48 kHz stereo (FfmpegAudioTranscoders) | CLI: `-c:a libopus -f null`", transcode, cliOpus);
    System.out.printf(Locale.ROOT, "| both (the goal: ≤ 3 %% of a core) | %.2f | %.2f-%.2f | | |%n", median(sum), min(sum), max(sum));
  }

  private static void row(String name, List<Double> ours, List<Double> cli) {
    String[] n = name.split(" \\| ");
    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f-%.2f | %.2f (%s) | %.2f |%n", n[0], median(ours), min(ours), max(ours),
        median(cli), n[1].substring(5), median(ours) / median(cli));
  }

  /** Reads the FLV's H.264 and AAC tags (config records apart). */
  private static Media read(Path flv) throws Exception {
    List<FlvTag> tags = new ArrayList<>();
    try (var reader = new FlvTagReader()) {
      reader.read(Unpooled.wrappedBuffer(Files.readAllBytes(flv)), tags);
    }
    byte[] avcc = null;
    byte[] asc = null;
    List<FlvTag> video = new ArrayList<>();
    List<FlvTag> audio = new ArrayList<>();
    for (FlvTag t : tags) {
      ByteBuf b = t.body();
      if (t.isVideo() && b.readableBytes() > 5) {
        if (b.getUnsignedByte(b.readerIndex() + 1) == 0) {
          avcc = ByteBufUtil.getBytes(b, b.readerIndex() + 5, b.readableBytes() - 5);
          t.release();
        } else {
          video.add(t);
        }
      } else if (t.isAudio() && b.readableBytes() > 2) {
        if (b.getUnsignedByte(b.readerIndex() + 1) == 0) {
          asc = ByteBufUtil.getBytes(b, b.readerIndex() + 2, b.readableBytes() - 2);
          t.release();
        } else {
          audio.add(t);
        }
      } else {
        t.release();
      }
    }
    if (avcc == null || asc == null) {
      throw new IllegalStateException("FFmpeg's FLV has no AVC or AAC sequence header: " + flv);
    }
    return new Media(avcc, video, asc, audio);
  }





}
