package studio.tally.media.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Annex B → AVCC and avcC construction (ISO 14496-15 §5.3.3.1), on hand-made NAL units. */
class AvcConfigTest {
  private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1F, (byte) 0xAC, (byte) 0xD9};
  private static final byte[] PPS = {0x68, (byte) 0xEB, (byte) 0xE3, (byte) 0xCB};
  private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x21};

  @Test
  void annexBWithMixedStartCodesBecomesLengthPrefixedWithoutDelimiters() {
    byte[] annexB = concat(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0}, new byte[] {0, 0, 0, 1}, SPS, new byte[] {0, 0, 1}, PPS,
        new byte[] {0, 0, 0, 1}, IDR);
    byte[] avcc = AvcConfig.toAvcc(annexB);
    assertThat(AvcConfig.splitAvcc(avcc)).containsExactly(SPS, PPS, IDR);
    assertThat(avcc).startsWith(0, 0, 0, 6, 0x67);
    assertThat(AvcConfig.toAvcc(avcc)).isSameAs(avcc); // already AVCC
  }

  @Test
  void avcCCarriesProfileLevelAndParameterSets() {
    byte[] avcC = AvcConfig.fromNals(List.of(SPS, PPS, IDR));
    assertThat(avcC).containsExactly(concat(new byte[] {1, 0x64, 0x00, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 6}, SPS,
        new byte[] {1, 0, 4}, PPS));
    assertThat(AvcConfig.fromExtradata(avcC)).isSameAs(avcC);
    assertThat(AvcConfig.fromExtradata(concat(new byte[] {0, 0, 0, 1}, SPS, new byte[] {0, 0, 0, 1}, PPS))).containsExactly(avcC);
    assertThat(AvcConfig.fromNals(List.of(IDR))).isNull();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }
}
