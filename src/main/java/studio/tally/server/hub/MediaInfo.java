package studio.tally.server.hub;

import org.slf4j.LoggerFactory;
import studio.tally.proto.ProtocolException;
import studio.tally.proto.flv.StreamCodecInfo;

/** What a stream carries, read from its sequence headers (for the API and the logs). */
public record MediaInfo(StreamCodecInfo.Video video, StreamCodecInfo.Audio audio) {

  public static MediaInfo of(LiveStream s) {
    StreamCodecInfo.Video video = null;
    StreamCodecInfo.Audio audio = null;
    for (MediaTag t : s.configSnapshot()) {
      try {
        if (t.kind() == MediaTag.Kind.VIDEO) {
          video = StreamCodecInfo.video(t.body());
        } else if (t.kind() == MediaTag.Kind.AUDIO) {
          audio = StreamCodecInfo.audio(t.body());
        }
      } catch (ProtocolException | IllegalArgumentException e) {
        // a publisher's odd sequence header must not break the API; media still flows untouched
        LoggerFactory.getLogger(MediaInfo.class).debug("stream {}: cannot read {} config: {}", s.key(), t.kind(), e.getMessage());
      } finally {
        t.release();
      }
    }
    return new MediaInfo(video, audio);
  }
}
