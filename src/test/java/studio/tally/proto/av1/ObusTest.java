package studio.tally.proto.av1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a temporal unit in the low-overhead format (AV1 §5.2, §5.3) and the RTP form of an OBU. */
class ObusTest {

  @Test
  void aTemporalUnitSplitsIntoItsObusAndDropsTheSizeFieldForRtp() {
    byte[] tu = {
        0x12, 0x00,                         // temporal delimiter, has_size, size 0
        0x0a, 0x03, 1, 2, 3,                // sequence header, size 3
        0x32, (byte) 0x81, 0x01, /* frame, size 129 */
    };
    byte[] frame = new byte[tu.length + 129];
    System.arraycopy(tu, 0, frame, 0, tu.length);
    List<Obus.Obu> obus = Obus.split(frame, 0, frame.length);
    assertThat(obus).extracting(Obus.Obu::type).containsExactly(Obus.OBU_TEMPORAL_DELIMITER, Obus.OBU_SEQUENCE_HEADER, 6);
    assertThat(obus.get(1).withoutSizeField(frame)).containsExactly(0x08, 1, 2, 3);
    assertThat(obus.get(2).payloadLength()).as("LEB128 0x81 0x01 = 129").isEqualTo(129);
    assertThat(obus.get(2).withoutSizeField(frame)).hasSize(130).startsWith((byte) 0x30);
  }

  @Test
  void anObuWithoutSizeFieldRunsToTheEnd() {
    byte[] tu = {0x30, 9, 9, 9}; // frame OBU, no size field
    assertThat(Obus.split(tu, 0, tu.length)).singleElement().satisfies(o -> assertThat(o.payloadLength()).isEqualTo(3));
  }

  @Test
  void badInputIsAnAv1Exception() {
    assertThatThrownBy(() -> Obus.split(new byte[] {(byte) 0x80}, 0, 1)).isInstanceOf(Av1Exception.class)
        .hasMessageContaining("forbidden");
    assertThatThrownBy(() -> Obus.split(new byte[] {0x0a, 0x05, 1}, 0, 3)).isInstanceOf(Av1Exception.class)
        .hasMessageContaining("exceeds");
    assertThatThrownBy(() -> Obus.split(new byte[] {0x0a, (byte) 0x80}, 0, 2)).isInstanceOf(Av1Exception.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Obus.split(new byte[] {0x0c}, 0, 1)).as("extension byte missing")
        .isInstanceOf(Av1Exception.class).hasMessageContaining("truncated");
  }
}
