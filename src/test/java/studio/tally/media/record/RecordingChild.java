package studio.tally.media.record;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import studio.tally.media.EncodedPacket;
import studio.tally.media.session.MediaSession;
import studio.tally.media.PacketSink;
import studio.tally.media.SessionClock;
import studio.tally.media.StreamFormat;
import studio.tally.media.VideoFormat;
import studio.tally.media.capture.TestPattern;
import studio.tally.media.capture.TestTone;
import studio.tally.media.encode.EncoderSettings;
import studio.tally.media.scene.Layer;
import studio.tally.media.scene.SceneCompositor.AudioInput;
import studio.tally.media.scene.SceneCompositor.VideoInput;

/**
 * Child process for {@link RecorderTest}: records the test pattern in real time to args[0] until
 * it is killed, printing "RECORDING" once the first packet reached the file.
 */
public final class RecordingChild {
  public static void main(String[] args) throws Exception {
    var clock = SessionClock.start(Clock.systemUTC());
    var format = new VideoFormat(320, 180, 30);
    var recorder = new Recorder(Path.of(args[0]));
    var sink = new PacketSink() {
      boolean announced;

      @Override
      public void onFormat(StreamFormat f) {
        recorder.onFormat(f);
      }

      @Override
      public void onPacket(EncodedPacket p) {
        recorder.onPacket(p);
        if (!announced) {
          announced = true;
          System.out.println("RECORDING");
          System.out.flush();
        }
      }

      @Override
      public void close() {
        recorder.close();
      }
    };
    var config = new MediaSession.Config(format, List.of(new VideoInput(new TestPattern("screen", format, clock), Layer.FULL)),
        List.of(new AudioInput(new TestTone(clock))), EncoderSettings.of("libx264", 500), 96, 0);
    MediaSession.start(clock, config, sink);
    Thread.sleep(Long.MAX_VALUE);
  }
}
