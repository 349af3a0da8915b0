package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a call reports of the audio it heard: counts, RMS, 100 ms levels, and the WAV it writes. */
class ReceivedAudioTest {

  /** 10 ms of a sine at amplitude, 48 kHz, channels interleaved the same, s16le. */
  private static byte[] block(int hz, double amplitude, int channels, long firstSample) {
    ByteBuffer b = ByteBuffer.allocate(480 * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 480; i++) {
      short v = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * (firstSample + i) / 48_000.0));
      for (int c = 0; c < channels; c++) b.putShort(v);
    }
    return b.array();
  }

  @Test
  void aSineIsMeasuredAtItsRmsAndSilenceAtTheFloor(@TempDir Path dir) throws Exception {
    Path wav = dir.resolve("heard.wav");
    var heard = new ReceivedAudio(wav);
    for (int n = 0; n < 100; n++) heard.onAudio(block(440, 0.5, 2, n * 480L), 16, 48_000, 2, 480); // 1 s of tone
    for (int n = 0; n < 50; n++) heard.onAudio(new byte[480 * 4], 16, 48_000, 2, 480); // 0.5 s of silence
    var f = heard.figures();
    heard.close();

    assertThat(f.samples()).isEqualTo(150 * 480);
    assertThat(f.sampleRate()).isEqualTo(48_000);
    assertThat(f.channels()).isEqualTo(2);
    // a third of the time silent: RMS of the sine (-9.03 dBFS) less 10*log10(1.5)
    assertThat(f.rmsDb()).isCloseTo(-9.03 - 10 * Math.log10(1.5), within(0.1));
    assertThat(f.levels()).hasSize(15);
    assertThat(f.levels().subList(0, 10)).allSatisfy(l -> assertThat(l.rmsDb()).isCloseTo(-9.03, within(0.1)));
    assertThat(f.levels().subList(10, 15)).allSatisfy(l -> assertThat(l.rmsDb()).isEqualTo(ReceivedAudio.FLOOR_DB));

    ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(h.capacity()).isEqualTo(44 + 150 * 480 * 4);
    assertThat(h.getInt(4)).isEqualTo(36 + 150 * 480 * 4);
    assertThat(h.getShort(22)).as("channels").isEqualTo((short) 2);
    assertThat(h.getInt(24)).as("rate").isEqualTo(48_000);
    assertThat(h.getShort(34)).as("bits").isEqualTo((short) 16);
    assertThat(h.getInt(40)).as("data bytes").isEqualTo(150 * 480 * 4);
  }

  @Test
  void onlyTheLastMinuteOfLevelsIsKeptAndNothingCountsAfterClose() throws Exception {
    var heard = new ReceivedAudio();
    byte[] tone = block(1000, 0.1, 1, 0);
    for (int n = 0; n < (ReceivedAudio.WINDOWS_KEPT + 5) * 10; n++) heard.onAudio(tone, 16, 48_000, 1, 480);
    assertThat(heard.figures().levels()).hasSize(ReceivedAudio.WINDOWS_KEPT);
    heard.close();
    heard.onAudio(tone, 16, 48_000, 1, 480);
    assertThat(heard.figures().samples()).isEqualTo((ReceivedAudio.WINDOWS_KEPT + 5) * 10L * 480);
  }
}
