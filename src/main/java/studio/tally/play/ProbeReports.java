package studio.tally.play;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Probe results as JSON (one object per URL under {@code streams}, then {@code summary}) and as
 * JUnit XML (one test case per URL: a failure for a missed expectation, an error for a stream that
 * could not be played). The JSON names are the ones docs/qa-metrics.md defines.
 */
public final class ProbeReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProbeReports() {}

  public static String json(List<ProbeResult> results) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode streams = root.putArray("streams");
    for (ProbeResult r : results) streams.add(stream(r));
    ObjectNode summary = root.putObject("summary");
    summary.put("streams", results.size());
    for (ProbeResult.Status s : ProbeResult.Status.values()) {
      summary.put(s.name().toLowerCase(Locale.ROOT), results.stream().filter(r -> r.status() == s).count());
    }
    summary.put("exit_code", ProbeResult.exitCode(results));
    return root.toPrettyString();
  }

  static ObjectNode stream(ProbeResult result) {
    QaReport r = result.report();
    ObjectNode o = JSON.createObjectNode();
    o.put("url", result.url());
    o.put("status", result.status().name().toLowerCase(Locale.ROOT));
    ArrayNode reasons = o.putArray("reasons");
    result.reasons().forEach(reasons::add);
    if (result.failure() == null) {
      o.putNull("failure");
    } else {
      o.putObject("failure").put("kind", result.failure().kind().name().toLowerCase(Locale.ROOT))
          .put("reason", result.failure().reason());
    }
    o.put("duration_s", r.durationS());
    o.put("connect_ms", r.connectMs());
    o.put("time_to_first_frame_ms", r.timeToFirstFrameMs());
    o.put("video_codec", r.videoCodec());
    o.put("width", r.width());
    o.put("height", r.height());
    ArrayNode sizes = o.putArray("resolutions");
    r.resolutions().forEach(sizes::add);
    o.put("resolution_changes", r.resolutionChanges());
    o.put("frames", r.frames());
    o.put("fps", r.fps());
    o.put("bitrate_kbps", r.bitrateKbps());
    o.put("video_kbps", r.videoKbps());
    o.put("audio_kbps", r.audioKbps());
    o.put("freeze_count", r.freezeCount());
    o.put("total_freeze_ms", r.totalFreezeMs());
    o.put("longest_freeze_ms", r.longestFreezeMs());
    o.put("dropped_frames", r.droppedFrames());
    o.put("timecoded_frames", r.timecodedFrames());
    if (r.latency() == null) {
      o.putNull("latency_ms");
    } else {
      o.putObject("latency_ms").put("median", r.latency().medianMs()).put("min", r.latency().minMs())
          .put("max", r.latency().maxMs()).put("samples", r.latency().samples());
    }
    o.put("audio_codec", r.audioCodec());
    o.put("sample_rate", r.sampleRate());
    o.put("channels", r.channels());
    o.put("audio_frames", r.audioFrames());
    o.put("audio_samples", r.audioSamples());
    o.put("av_offset_ms", r.avOffsetMs());
    QaReport.WebRtc w = r.webrtc();
    if (w == null) {
      o.putNull("webrtc");
    } else {
      o.putObject("webrtc").put("transport", w.transport()).put("rtt_ms", w.rttMs()).put("jitter_ms", w.jitterMs())
          .put("audio_jitter_ms", w.audioJitterMs()).put("packets_received", w.packetsReceived())
          .put("packets_lost", w.packetsLost()).put("packet_loss_pct", w.packetLossPct())
          .put("nack_count", w.nackCount()).put("pli_count", w.pliCount()).put("fir_count", w.firCount())
          .put("jitter_buffer_ms", w.jitterBufferMs()).put("freeze_count", w.libwebrtcFreezeCount())
          .put("total_freeze_ms", w.libwebrtcFreezeMs()).put("fps", w.libwebrtcFps())
          .put("frames_dropped", w.framesDroppedBeforeDecode()).put("concealed_samples", w.concealedSamples());
    }
    return o;
  }

  /**
   * The figures of one report under their JSON names, in JSON order, as text (what the Player
   * window's stats overlay shows: the same names as the JSON and docs/qa-metrics.md).
   */
  public static java.util.LinkedHashMap<String, String> figures(QaReport report) {
    ObjectNode o = stream(new ProbeResult("", ProbeResult.Status.PASS, List.of(), report, null));
    var out = new java.util.LinkedHashMap<String, String>();
    o.properties().forEach(e -> {
      if (e.getKey().equals("webrtc")) {
        // WebRTC figures under their JSON path (webrtc.jitter_ms); nothing for FLV/RTMP
        e.getValue().properties().forEach(w -> out.put("webrtc." + w.getKey(),
            w.getValue().isTextual() ? w.getValue().asText() : w.getValue().toString()));
      } else if (!List.of("url", "status", "reasons", "failure").contains(e.getKey())) {
        out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
    });
    return out;
  }

  /** JUnit XML (the Ant/Surefire shape CI systems read). */
  public static String junit(List<ProbeResult> results) {
    long failures = results.stream().filter(r -> r.status() == ProbeResult.Status.FAIL).count();
    long errors = results.stream().filter(r -> r.status() == ProbeResult.Status.NO_CONNECT).count();
    double time = results.stream().mapToDouble(r -> r.report().durationS()).max().orElse(0);
    StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append(String.format(Locale.ROOT, "<testsuite name=\"tally probe\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">%n",
        results.size(), failures, errors, time));
    for (ProbeResult r : results) {
      x.append(String.format(Locale.ROOT, "  <testcase classname=\"tally.probe\" name=\"%s\" time=\"%.3f\">%n",
          xml(r.url()), r.report().durationS()));
      String message = String.join("; ", r.reasons());
      switch (r.status()) {
        case FAIL -> x.append("    <failure message=\"").append(xml(message)).append("\" type=\"expectation\"/>\n");
        case NO_CONNECT -> x.append("    <error message=\"").append(xml(message)).append("\" type=\"")
            .append(r.failure() == null ? "bad_stream" : r.failure().kind().name().toLowerCase(Locale.ROOT)).append("\"/>\n");
        case PASS -> { }
      }
      x.append("    <system-out>").append(xml(stream(r).toString())).append("</system-out>\n");
      x.append("  </testcase>\n");
    }
    return x.append("</testsuite>\n").toString();
  }

  private static String xml(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') b.append(c);
        }
      }
    }
    return b.toString();
  }
}
