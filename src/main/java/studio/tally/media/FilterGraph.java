package studio.tally.media;

import static org.bytedeco.ffmpeg.global.avfilter.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * An avfilter graph given as one description string in which sources and sinks are named filter
 * instances: {@code buffer@in0=...}, {@code buffersink@out0}. Frames go in and come out as native
 * AVFrame references; nothing is copied into Java. Not thread-safe: one thread pushes and pulls.
 */
public final class FilterGraph implements AutoCloseable {
  private final String description;
  private AVFilterGraph graph;
  private final Map<String, AVFilterContext> byId = new HashMap<>();

  /**
   * Parses and configures description. Filter instances written {@code name@id} are found later by
   * id. threads: 0 lets FFmpeg choose (slice threads inside scale/overlay).
   */
  public FilterGraph(String description, int threads) {
    Av.load();
    this.description = description;
    graph = avfilter_graph_alloc();
    if (graph == null) throw new MediaException("cannot allocate a filter graph");
    graph.nb_threads(threads);
    var result = FfmpegLog.capture(() -> {
      AVFilterInOut inputs = new AVFilterInOut(null);
      AVFilterInOut outputs = new AVFilterInOut(null);
      int ret = avfilter_graph_parse2(graph, description, inputs, outputs);
      if (ret >= 0 && (!inputs.isNull() || !outputs.isNull())) {
        avfilter_inout_free(inputs);
        avfilter_inout_free(outputs);
        return -1_000_000; // unconnected pads
      }
      if (ret < 0) return ret;
      return avfilter_graph_config(graph, null);
    });
    int ret = result.result();
    if (ret < 0) {
      String reason = ret == -1_000_000 ? "the graph has unconnected pads" : Av.error(ret);
      close();
      throw new MediaException("filter graph rejected: " + reason + " " + result.lines() + "\n  graph: " + description);
    }
    for (int i = 0; i < graph.nb_filters(); i++) {
      AVFilterContext ctx = graph.filters(i);
      String name = ctx.name().getString();
      int at = name.lastIndexOf('@');
      if (at >= 0) byId.put(name.substring(at + 1), ctx);
    }
  }

  private AVFilterContext filter(String id) {
    AVFilterContext ctx = byId.get(id);
    if (ctx == null) throw new MediaException("filter graph has no filter @" + id + ": " + description);
    return ctx;
  }

  /** Full instance name of the filter @id (what avfilter_graph_send_command targets). */
  public String instanceName(String id) {
    return filter(id).name().getString();
  }

  /**
   * Hands frame to source @id. The graph takes the frame's reference (frame is left blank, to be
   * reused or freed by the caller); null signals end of stream.
   */
  public void push(String sourceId, AVFrame frame) {
    int ret = av_buffersrc_add_frame_flags(filter(sourceId), frame, AV_BUFFERSRC_FLAG_PUSH);
    if (ret < 0 && !Av.isEof(ret)) Av.check(ret, "filter graph input @" + sourceId);
  }

  /**
   * Signals end of stream on source @id at pts (in the source's time base: where the stream ends,
   * i.e. after its last frame's duration, so fps keeps that last frame); later pulls drain.
   */
  public void endOfStream(String sourceId, long pts) {
    int ret = av_buffersrc_close(filter(sourceId), pts, AV_BUFFERSRC_FLAG_PUSH);
    if (ret < 0 && !Av.isEof(ret)) Av.check(ret, "filter graph input @" + sourceId + " end");
  }

  /**
   * Moves the next output frame of sink @id into into (which must be blank); false when the graph
   * needs more input or reached its end.
   */
  public boolean pull(String sinkId, AVFrame into) {
    int ret = av_buffersink_get_frame(filter(sinkId), into);
    if (ret >= 0) return true;
    if (Av.isAgain(ret) || Av.isEof(ret)) return false;
    Av.check(ret, "filter graph output @" + sinkId);
    return false;
  }

  /** Output frames of an audio sink @id carry exactly samples samples (the last may carry fewer). */
  public void setFrameSize(String sinkId, int samples) {
    av_buffersink_set_frame_size(filter(sinkId), samples);
  }

  /** Time base of sink @id's output frames. */
  public AVRational timeBase(String sinkId) {
    return av_buffersink_get_time_base(filter(sinkId));
  }

  /** Sends a runtime command (e.g. volume) to the filter @id. */
  public void command(String id, String command, String argument) {
    BytePointer response = new BytePointer(256);
    try {
      int ret = avfilter_graph_send_command(graph, instanceName(id), command, argument, response, 256, 0);
      Av.check(ret, "filter @" + id + " refused " + command + "=" + argument);
    } finally {
      response.close();
    }
  }

  public String description() {
    return description;
  }

  @Override
  public void close() {
    if (graph != null) {
      avfilter_graph_free(graph);
      graph = null;
    }
    byId.clear();
  }
}
