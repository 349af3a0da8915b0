package studio.tally.proto.bits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import studio.tally.proto.BitWriter;

class BitReaderTest {
  @Test
  void readsFixedAndExpGolombCodes() {
    // H.264 §9.1 Table 9-2: ue 0 = 1, 1 = 010, 2 = 011, 3 = 00100; se 1 = 010, -1 = 011
    byte[] b = new BitWriter().u(3, 5).ue(0).ue(1).ue(2).ue(3).se(1).se(-1).se(0).ue(70000).u(32, 0xdeadbeefL).bytes();
    BitReader r = new BitReader(b);
    assertThat(r.u(3, "a")).isEqualTo(5);
    assertThat(r.ue("b")).isZero();
    assertThat(r.ue("c")).isEqualTo(1);
    assertThat(r.ue("d")).isEqualTo(2);
    assertThat(r.ue("e")).isEqualTo(3);
    assertThat(r.se("f")).isEqualTo(1);
    assertThat(r.se("g")).isEqualTo(-1);
    assertThat(r.se("h")).isZero();
    assertThat(r.ue("i")).isEqualTo(70000);
    assertThat(r.u(32, "j")).isEqualTo(0xdeadbeefL);
  }

  @Test
  void truncationNamesTheField() {
    assertThatThrownBy(() -> new BitReader(new byte[] {0}).ue("pic_width_in_mbs_minus1"))
        .isInstanceOf(BitstreamException.class).hasMessageContaining("pic_width_in_mbs_minus1");
    assertThatThrownBy(() -> new BitReader(new byte[] {0, 0, 0, 0, 0, 1}).ue("x"))
        .isInstanceOf(BitstreamException.class).hasMessageContaining("longer than 32 bits");
    assertThatThrownBy(() -> new BitReader(new BitWriter().ue(40).bytes()).ue("level", 31))
        .isInstanceOf(BitstreamException.class).hasMessageContaining("level: 40 exceeds 31");
  }

  @Test
  void emulationPreventionRoundTrip() {
    byte[] rbsp = {0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 5};
    byte[] escaped = Rbsp.escape(rbsp);
    assertThat(escaped).containsExactly(0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 5);
    assertThat(Rbsp.unescape(escaped, 0, escaped.length)).containsExactly(rbsp);
  }
}
