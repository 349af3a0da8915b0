package studio.tally.server.bridge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the RTMP -&gt; WebRTC bridges of one server counted, over all streams since start. */
public final class BridgeCounters {
  /** Bridges started (one per RTMP stream while it has WebRTC players). */
  public final LongAdder started = new LongAdder();
  /** AAC units dropped because the server has no audio transcoder. */
  public final LongAdder audioDropped = new LongAdder();
  /** AAC sequence headers that could not be read or opened (audio skipped until the next one). */
  public final LongAdder badAudioConfig = new LongAdder();
  /** AVC sequence headers that could not be read. */
  public final LongAdder badVideoConfig = new LongAdder();
  /** AAC units the transcoder refused (skipped, the next one is tried). */
  public final LongAdder transcodeErrors = new LongAdder();
  /** H.264 units that could not be split into NAL units. */
  public final LongAdder badVideoUnits = new LongAdder();
  /** Units of codecs the bridge does not map (VP8, VP9 from Enhanced RTMP, a second video codec...). */
  public final LongAdder unsupportedUnits = new LongAdder();

  /** name -&gt; value, for the status API. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("started", started.sum());
    m.put("audio_dropped", audioDropped.sum());
    m.put("bad_audio_config", badAudioConfig.sum());
    m.put("bad_video_config", badVideoConfig.sum());
    m.put("transcode_errors", transcodeErrors.sum());
    m.put("bad_video_units", badVideoUnits.sum());
    m.put("unsupported_units", unsupportedUnits.sum());
    return m;
  }
}
