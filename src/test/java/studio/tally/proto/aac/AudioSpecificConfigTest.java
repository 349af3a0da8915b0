package studio.tally.proto.aac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import studio.tally.proto.BitWriter;
import studio.tally.proto.TestVectors;

class AudioSpecificConfigTest {

  private static byte[] asc(String file) {
    byte[] tag = TestVectors.hex(AudioSpecificConfigTest.class, file);
    return Arrays.copyOfRange(tag, 2, tag.length);
  }

  /** FFmpeg's native AAC encoder (commands in the .hex files); it appends the 0x2b7 sync extension (no SBR). */
  @Test
  void parsesFfmpegLcConfigs() {
    AudioSpecificConfig mono = AudioSpecificConfig.parse(asc("aac_48k_mono.audio.hex"));
    assertThat(mono.profileName()).isEqualTo("LC");
    assertThat(mono.sampleRate()).isEqualTo(48000);
    assertThat(mono.outputSampleRate()).isEqualTo(48000);
    assertThat(mono.channels()).isEqualTo(1);
    assertThat(mono.sbr()).isFalse();

    AudioSpecificConfig stereo = AudioSpecificConfig.parse(Unpooled.wrappedBuffer(asc("aac_22k_stereo.audio.hex")));
    assertThat(stereo.sampleRate()).isEqualTo(22050);
    assertThat(stereo.channels()).isEqualTo(2);
    assertThat(stereo.objectType()).isEqualTo(AudioSpecificConfig.AOT_LC);
  }

  /** ISO/IEC 14496-3 §1.6.2.1 examples built by hand: the well-known 2-byte configs. */
  @Test
  void wellKnownTwoByteConfigs() {
    assertThat(AudioSpecificConfig.lc(44100, 2)).containsExactly(0x12, 0x10);
    assertThat(AudioSpecificConfig.lc(48000, 2)).containsExactly(0x11, 0x90);
    assertThat(AudioSpecificConfig.lc(48000, 1)).containsExactly(0x11, 0x88);
    AudioSpecificConfig main = AudioSpecificConfig.parse(TestVectors.hex("0a10"));
    assertThat(main.profileName()).isEqualTo("Main");
    assertThat(main.sampleRate()).isEqualTo(44100);
  }

  @Test
  void explicitFrequencyAndEscapedObjectType() {
    byte[] explicit = AudioSpecificConfig.lc(37800, 2);
    assertThat(explicit).hasSize(5);
    AudioSpecificConfig p = AudioSpecificConfig.parse(explicit);
    assertThat(p.samplingFrequencyIndex()).isEqualTo(15);
    assertThat(p.sampleRate()).isEqualTo(37800);
    assertThat(p.channels()).isEqualTo(2);

    // AOT 31 escape: 32 + 7 = 39 (ER AAC ELD); ELD has its own config, which we do not read
    AudioSpecificConfig eld = AudioSpecificConfig.parse(new BitWriter().u(5, 31).u(6, 7).u(4, 3).u(4, 2).u(8, 0).bytes());
    assertThat(eld.objectType()).isEqualTo(39);
    assertThat(eld.profileName()).isEqualTo("ELD");
  }

  /** Explicit (hierarchical) HE-AAC signalling: AOT 5, core 24 kHz, output 48 kHz. */
  @Test
  void heAacExplicit() {
    byte[] he = new BitWriter().u(5, 5).u(4, 6).u(4, 2).u(4, 3).u(5, 2).u(3, 0).bytes();
    AudioSpecificConfig p = AudioSpecificConfig.parse(he);
    assertThat(p.profileName()).isEqualTo("HE");
    assertThat(p.objectType()).isEqualTo(2);
    assertThat(p.sampleRate()).isEqualTo(24000);
    assertThat(p.outputSampleRate()).isEqualTo(48000);

    byte[] hev2 = new BitWriter().u(5, 29).u(4, 6).u(4, 1).u(4, 3).u(5, 2).u(3, 0).bytes();
    assertThat(AudioSpecificConfig.parse(hev2).profileName()).isEqualTo("HEv2");
  }

  /** Backward-compatible signalling (§1.6.5): LC core then sync extension 0x2b7 → SBR, 0x548 → PS. */
  @Test
  void heAacBackwardCompatible() {
    byte[] asc = new BitWriter().u(5, 2).u(4, 6).u(4, 1).u(3, 0) // LC 24 kHz mono
        .u(11, 0x2b7).u(5, 5).flag(true).u(4, 3) // SBR at 48 kHz
        .u(11, 0x548).flag(true).bytes(); // PS
    AudioSpecificConfig p = AudioSpecificConfig.parse(asc);
    assertThat(p.sbr()).isTrue();
    assertThat(p.ps()).isTrue();
    assertThat(p.profileName()).isEqualTo("HEv2");
    assertThat(p.outputSampleRate()).isEqualTo(48000);
  }

  @Test
  void programConfigElementCountsChannels() {
    BitWriter w = new BitWriter().u(5, 2).u(4, 3).u(4, 0).u(3, 0) // channelConfiguration 0 → PCE
        .u(4, 0).u(2, 1).u(4, 3) // tag, object type, sf index
        .u(4, 2).u(4, 0).u(4, 1).u(2, 1).u(3, 0).u(4, 0) // 2 front, 0 side, 1 back, 1 lfe
        .flag(false).flag(false).flag(false)
        .flag(false).u(4, 0).flag(true).u(4, 0) // front: SCE, CPE
        .flag(true).u(4, 1) // back: CPE
        .u(4, 0); // lfe tag
    AudioSpecificConfig p = AudioSpecificConfig.parse(w.u(8 - 0, 0).bytes());
    assertThat(p.channels()).isEqualTo(6);
  }

  @Test
  void reservedValuesFailWithTheFieldName() {
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new BitWriter().u(5, 2).u(4, 13).u(4, 2).u(3, 0).bytes()))
        .isInstanceOf(AacException.class).hasMessageContaining("samplingFrequencyIndex: reserved value 13");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new BitWriter().u(5, 2).u(4, 4).u(4, 9).u(3, 0).bytes()))
        .isInstanceOf(AacException.class).hasMessageContaining("channelConfiguration: reserved value 9");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new BitWriter().u(5, 0).u(4, 4).u(4, 2).u(3, 0).bytes()))
        .isInstanceOf(AacException.class).hasMessageContaining("audioObjectType");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new BitWriter().u(5, 2).u(4, 15).u(24, 0).u(4, 2).bytes()))
        .isInstanceOf(AacException.class).hasMessageContaining("samplingFrequency: 0 Hz");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new BitWriter().u(5, 5).u(4, 3).u(4, 2).u(4, 14).u(5, 2).bytes()))
        .isInstanceOf(AacException.class).hasMessageContaining("extensionSamplingFrequencyIndex");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x12}))
        .isInstanceOf(AacException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[0])).isInstanceOf(AacException.class);
  }
}
