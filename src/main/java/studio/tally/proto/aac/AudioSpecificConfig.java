package studio.tally.proto.aac;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.bits.BitReader;
import studio.tally.proto.bits.BitstreamException;

/**
 * AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the body of an AAC sequence header tag and of the
 * MP4 {@code esds} DecoderSpecificInfo.
 *
 * <pre>
 * audioObjectType u(5) [=31: 32 + audioObjectTypeExt u(6)]
 * samplingFrequencyIndex u(4) [=0xf: samplingFrequency u(24)]
 * channelConfiguration u(4)
 * [audioObjectType ∈ {5 SBR, 29 PS}: extensionSamplingFrequencyIndex u(4) [=0xf: u(24)]
 *    audioObjectType (again, the core) [=22: extensionChannelConfiguration u(4)]]
 * GASpecificConfig (core ∈ {1..4, 6, 7, 17, 19..23}): frameLengthFlag u(1) dependsOnCoreCoder u(1)
 *    [coreCoderDelay u(14)] extensionFlag u(1) [channelConfiguration = 0: program_config_element()]
 *    [6, 20: layerNr u(3)] [extensionFlag: ...]
 * [no explicit SBR and ≥ 16 bits left: syncExtensionType u(11) = 0x2b7 → extensionAudioObjectType,
 *    = 5: sbrPresentFlag u(1) [extensionSamplingFrequencyIndex ...] [syncExtensionType u(11) = 0x548
 *    → psPresentFlag u(1)]]   (backward-compatible HE-AAC signalling, §1.6.5)
 * </pre>
 *
 * @param objectType the core audio object type (2 for HE-AAC's LC core)
 * @param sampleRate the core sampling frequency
 * @param channels channel count (from channelConfiguration, or the program_config_element)
 * @param sbr spectral band replication present (HE-AAC)
 * @param ps parametric stereo present (HE-AAC v2)
 * @param extensionSampleRate SBR output sampling frequency, or 0 without SBR
 */
public record AudioSpecificConfig(
    int objectType,
    int samplingFrequencyIndex,
    int sampleRate,
    int channelConfiguration,
    int channels,
    boolean sbr,
    boolean ps,
    int extensionSampleRate,
    boolean frameLength960) {

  public static final int AOT_MAIN = 1;
  public static final int AOT_LC = 2;
  public static final int AOT_SBR = 5;
  public static final int AOT_PS = 29;

  static final int[] FREQUENCIES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
      8000, 7350};
  private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 8, -1, -1, -1, 7, 8, 24, 8, -1};
  /** Explicit 24-bit frequencies above this are treated as garbage. */
  static final int MAX_EXPLICIT_FREQUENCY = 768_000;

  /** Profile name as SRS reports it: "Main", "LC", "SSR", "LTP", "HE", "HEv2", ... */
  public String profileName() {
    if (ps) {
      return "HEv2";
    }
    if (sbr) {
      return "HE";
    }
    return switch (objectType) {
      case 1 -> "Main";
      case 2 -> "LC";
      case 3 -> "SSR";
      case 4 -> "LTP";
      case 17 -> "ER LC";
      case 23 -> "LD";
      case 39 -> "ELD";
      default -> "AOT" + objectType;
    };
  }

  /** The rate the decoder outputs: the SBR rate for HE-AAC, else the core rate. */
  public int outputSampleRate() {
    return sbr && extensionSampleRate > 0 ? extensionSampleRate : sampleRate;
  }

  /** Parses the readable bytes of {@code in} without moving its indexes. */
  public static AudioSpecificConfig parse(ByteBuf in) {
    byte[] b = new byte[in.readableBytes()];
    in.getBytes(in.readerIndex(), b);
    return parse(b);
  }

  public static AudioSpecificConfig parse(byte[] data) {
    try {
      return parse(new BitReader(data));
    } catch (BitstreamException e) {
      throw new AacException("AudioSpecificConfig " + e.getMessage(), e);
    }
  }

  private static AudioSpecificConfig parse(BitReader r) {
    int aot = objectType(r);
    int sfi = r.ui(4, "samplingFrequencyIndex");
    int rate = frequency(r, sfi, "samplingFrequencyIndex");
    int channelConfig = r.ui(4, "channelConfiguration");
    int channels = CHANNELS[channelConfig];
    if (channels < 0) {
      throw new AacException("channelConfiguration: reserved value " + channelConfig);
    }
    boolean sbr = false;
    boolean ps = false;
    int extRate = 0;
    if (aot == AOT_SBR || aot == AOT_PS) {
      sbr = true;
      ps = aot == AOT_PS;
      extRate = frequency(r, r.ui(4, "extensionSamplingFrequencyIndex"), "extensionSamplingFrequencyIndex");
      aot = objectType(r);
      if (aot == 22) {
        r.skip(4, "extensionChannelConfiguration");
      }
    }
    boolean frame960 = false;
    if (isGeneralAudio(aot)) {
      frame960 = r.flag("frameLengthFlag");
      if (r.flag("dependsOnCoreCoder")) {
        r.skip(14, "coreCoderDelay");
      }
      boolean extensionFlag = r.flag("extensionFlag");
      if (channelConfig == 0) {
        channels = ProgramConfigElement.channels(r);
      }
      if (aot == 6 || aot == 20) {
        r.skip(3, "layerNr");
      }
      if (extensionFlag) {
        if (aot == 22) {
          r.skip(16, "numOfSubFrame/layer_length");
        }
        if (aot == 17 || aot == 19 || aot == 20 || aot == 23) {
          r.skip(3, "aacSectionDataResilienceFlag..aacSpectralDataResilienceFlag");
        }
        r.flag("extensionFlag3");
      }
      if (!sbr && r.bitsLeft() >= 16 && r.u(11, "syncExtensionType") == 0x2b7) {
        int extAot = objectType(r);
        if (extAot == AOT_SBR && r.flag("sbrPresentFlag")) {
          sbr = true;
          extRate = frequency(r, r.ui(4, "extensionSamplingFrequencyIndex"), "extensionSamplingFrequencyIndex");
          if (r.bitsLeft() >= 12 && r.u(11, "syncExtensionType") == 0x548) {
            ps = r.flag("psPresentFlag");
          }
        }
      }
    }
    return new AudioSpecificConfig(aot, sfi, rate, channelConfig, channels, sbr, ps, extRate, frame960);
  }

  private static boolean isGeneralAudio(int aot) {
    return switch (aot) {
      case 1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23 -> true;
      default -> false;
    };
  }

  private static int objectType(BitReader r) {
    int aot = r.ui(5, "audioObjectType");
    if (aot == 31) {
      aot = 32 + r.ui(6, "audioObjectTypeExt");
    }
    if (aot == 0) {
      throw new AacException("audioObjectType: 0 (null object) is not valid");
    }
    return aot;
  }

  private static int frequency(BitReader r, int index, String field) {
    if (index == 0xf) {
      int f = r.ui(24, field.replace("Index", ""));
      if (f == 0 || f > MAX_EXPLICIT_FREQUENCY) {
        throw new AacException(field.replace("Index", "") + ": " + f + " Hz is out of range");
      }
      return f;
    }
    if (index >= FREQUENCIES.length) {
      throw new AacException(field + ": reserved value " + index);
    }
    return FREQUENCIES[index];
  }

  /** A 2-byte AAC-LC config (5 bytes if the rate has no index), as our encoder path needs. */
  public static byte[] lc(int sampleRate, int channels) {
    return encode(AOT_LC, sampleRate, channelConfigurationOf(channels));
  }

  /**
   * Writes a config for a plain AAC core object type 1..4 (no SBR, no PCE, 1024-sample frames):
   * the object type, the frequency (by index when it has one, else explicit), the channel
   * configuration and an all-zero GASpecificConfig.
   */
  public static byte[] encode(int objectType, int sampleRate, int channelConfiguration) {
    if (objectType < 1 || objectType > 4) {
      throw new IllegalArgumentException("objectType " + objectType + ": only 1..4 are written");
    }
    if (channelConfiguration < 1 || channelConfiguration > 7) {
      throw new IllegalArgumentException("channelConfiguration " + channelConfiguration);
    }
    if (sampleRate <= 0 || sampleRate > 0xff_ffff) {
      throw new IllegalArgumentException("sampleRate " + sampleRate);
    }
    int index = 0xf;
    for (int i = 0; i < FREQUENCIES.length; i++) {
      if (FREQUENCIES[i] == sampleRate) {
        index = i;
      }
    }
    long bits = objectType;
    int n = 5;
    bits = (bits << 4) | index;
    n += 4;
    if (index == 0xf) {
      bits = (bits << 24) | sampleRate;
      n += 24;
    }
    bits = (bits << 4) | channelConfiguration;
    n += 4;
    bits <<= 3; // frameLengthFlag, dependsOnCoreCoder, extensionFlag = 0
    n += 3;
    int bytes = (n + 7) / 8;
    bits <<= bytes * 8 - n;
    byte[] out = new byte[bytes];
    for (int i = bytes - 1; i >= 0; i--) {
      out[i] = (byte) bits;
      bits >>>= 8;
    }
    return out;
  }

  /** channelConfiguration for a channel count: 1..6 as is, 8 → 7. */
  public static int channelConfigurationOf(int channels) {
    return switch (channels) {
      case 1, 2, 3, 4, 5, 6 -> channels;
      case 8 -> 7;
      default -> throw new IllegalArgumentException("no channelConfiguration for " + channels + " channels");
    };
  }
}
