package studio.tally.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mixer's 1024-sample frames in, libwebrtc's 10 ms s16 stereo blocks out, and a backlog that never grows. */
class PcmBlocksTest {

  @Test
  void reframesFloatFramesIntoWholeTenMillisecondBlocksInOrder() {
    var blocks = new PcmBlocks();
    List<short[]> out = new ArrayList<>();
    int written = 0;
    for (int frame = 0; frame < 3; frame++) { // 3072 samples: six whole blocks of 480, 192 left over
      float[] l = new float[1024];
      float[] r = new float[1024];
      for (int i = 0; i < 1024; i++) {
        l[i] = (written + i) / 32767f; // a ramp: every sample says where it came from
        r[i] = -(written + i) / 32767f;
      }
      blocks.write(l, r, 1024);
      written += 1024;
      blocks.drain(pcm -> out.add(shorts(pcm)));
    }
    assertThat(out).hasSize(3072 / PcmBlocks.BLOCK);
    for (int b = 0; b < out.size(); b++) {
      short[] s = out.get(b);
      assertThat(s).hasSize(PcmBlocks.BLOCK * 2);
      for (int i = 0; i < PcmBlocks.BLOCK; i++) {
        int n = b * PcmBlocks.BLOCK + i;
        assertThat(s[i * 2]).as("left of sample %d", n).isEqualTo((short) n);
        assertThat(s[i * 2 + 1]).as("right of sample %d", n).isEqualTo((short) -n);
      }
    }
    assertThat(blocks.dropped()).isZero();
    blocks.write(new float[288], new float[288], 288); // 192 + 288 = one more block
    List<short[]> last = new ArrayList<>();
    blocks.drain(pcm -> last.add(shorts(pcm)));
    assertThat(last).hasSize(1);
    assertThat(last.get(0)[0]).isEqualTo((short) 2880);
  }

  @Test
  void aReaderThatFallsBehindGetsTheNewestHundredMillisecondsAndLoudSamplesClip() {
    var blocks = new PcmBlocks();
    float[] loud = new float[1024];
    java.util.Arrays.fill(loud, 2f);
    for (int i = 0; i < 50; i++) blocks.write(loud, loud, 1024); // ~1 s unread: the writer never waits
    List<short[]> out = new ArrayList<>();
    blocks.drain(pcm -> out.add(shorts(pcm)));
    assertThat(out).hasSize(PcmBlocks.MAX_BACKLOG_BLOCKS);
    assertThat(out.get(0)[0]).isEqualTo(Short.MAX_VALUE);
    // everything written was handed over, dropped, or waits as less than a block
    long notHandedOver = 50 * 1024 - PcmBlocks.MAX_BACKLOG_BLOCKS * PcmBlocks.BLOCK;
    assertThat(blocks.dropped()).isBetween(notHandedOver - PcmBlocks.BLOCK + 1, notHandedOver);
  }

  private static short[] shorts(byte[] pcm) {
    short[] s = new short[pcm.length / 2];
    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }
}
