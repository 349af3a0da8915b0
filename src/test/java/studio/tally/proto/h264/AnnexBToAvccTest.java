package studio.tally.proto.h264;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The byte-array forms an encoder's output needs: Annex B → AVCC, avcC built from in-band or
 * extradata SPS/PPS (ISO 14496-15 §5.3.3.1), and disposable access units, on hand-made NAL units.
 */
class AnnexBToAvccTest {
  private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1F, (byte) 0xAC, (byte) 0xD9};
  private static final byte[] PPS = {0x68, (byte) 0xEB, (byte) 0xE3, (byte) 0xCB};
  private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x21};

  @Test
  void annexBWithMixedStartCodesBecomesLengthPrefixedWithoutDelimiters() {
    byte[] annexB = concat(new byte[] {0, 0, 0, 1, 0x09, (byte) 0xF0}, new byte[] {0, 0, 0, 1}, SPS, new byte[] {0, 0, 1}, PPS,
        new byte[] {0, 0, 0, 1}, IDR);
    byte[] avcc = NalUnits.toAvcc(annexB);
    assertThat(NalUnits.splitAvcc(avcc)).containsExactly(SPS, PPS, IDR);
    assertThat(avcc).startsWith(0, 0, 0, 6, 0x67);
    assertThat(NalUnits.toAvcc(avcc)).isSameAs(avcc); // already AVCC
    // an encoder's packet cut short: the whole NAL units before the cut
    assertThat(NalUnits.splitAvcc(java.util.Arrays.copyOf(avcc, avcc.length - 1))).containsExactly(SPS, PPS);
  }

  @Test
  void avcCCarriesProfileLevelAndParameterSets() {
    byte[] avcC = AvcDecoderConfigurationRecord.ofNals(List.of(SPS, PPS, IDR)).toByteArray();
    assertThat(avcC).containsExactly(concat(new byte[] {1, 0x64, 0x00, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 6}, SPS,
        new byte[] {1, 0, 4}, PPS));
    assertThat(AvcDecoderConfigurationRecord.fromExtradata(avcC)).isSameAs(avcC);
    assertThat(AvcDecoderConfigurationRecord.fromExtradata(concat(new byte[] {0, 0, 0, 1}, SPS, new byte[] {0, 0, 0, 1}, PPS)))
        .containsExactly(avcC);
    assertThat(AvcDecoderConfigurationRecord.ofNals(List.of(IDR))).isNull();
    assertThat(AvcDecoderConfigurationRecord.fromExtradata(new byte[0])).isNull();
  }

  @Test
  void accessUnitsWhoseSlicesNoFrameRefersToAreDisposable() {
    byte[] bFrame = {0, 0, 0, 2, 0x01, 0x00}; // nal_ref_idc 0, type 1
    byte[] pFrame = {0, 0, 0, 2, 0x41, 0x00}; // nal_ref_idc 2
    byte[] withSei = {0, 0, 0, 2, 0x06, 0x00, 0, 0, 0, 2, 0x01, 0x00};
    assertThat(NalUnits.isDisposable(bFrame)).isTrue();
    assertThat(NalUnits.isDisposable(withSei)).isTrue();
    assertThat(NalUnits.isDisposable(pFrame)).isFalse();
    assertThat(NalUnits.isDisposable(new byte[] {0, 0, 0, 9, 1})).isFalse();
    assertThat(NalUnits.isDisposable(new byte[] {0, 0, 0, 2, 0x06, 0x00})).isFalse(); // SEI only: no slice
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
