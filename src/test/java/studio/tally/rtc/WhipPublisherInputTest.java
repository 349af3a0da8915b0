package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bad frames pushed into a publisher end in a clear error, and closing twice is harmless. libwebrtc runs in
 * this JVM but no connection is made (no offer is exchanged), so nothing goes on the network.
 */
class WhipPublisherInputTest {

  @Test
  void badFramesAreRejectedWithTheReasonAndCloseIsIdempotent() {
    try (var factory = new RtcFactory()) {
      var publisher = WhipPublisher.awaitingOffer(factory, 1_000_000, Duration.ofSeconds(5));
      ByteBuffer y = ByteBuffer.allocateDirect(64 * 48);
      ByteBuffer c = ByteBuffer.allocateDirect(32 * 24);
      assertThatCode(() -> publisher.pushFrame(64, 48, y, 64, c, 32, c, 32, System.nanoTime())).doesNotThrowAnyException();
      assertThatThrownBy(() -> publisher.pushFrame(63, 48, y, 64, c, 32, c, 32, System.nanoTime()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63x48");
      assertThatThrownBy(() -> publisher.pushFrame(64, 48, ByteBuffer.allocateDirect(100), 64, c, 32, c, 32, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small for 64x48");
      assertThatThrownBy(() -> publisher.pushFrame(64, 48, y, 32, c, 32, c, 32, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 32");
      publisher.close();
      assertThatCode(publisher::close).doesNotThrowAnyException();
      assertThatThrownBy(() -> publisher.pushFrame(64, 48, y, 64, c, 32, c, 32, 0))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }
}
