package studio.tally.proto.sdp;

import java.util.Map;
import java.util.Optional;

/**
 * H.264 {@code profile-level-id} and {@code packetization-mode} (RFC 6184 §8.1), and the matching
 * rule libwebrtc applies when it answers: same profile (the level may differ; with
 * {@code level-asymmetry-allowed=1} each side sends at its own level) and same packetization mode.
 *
 * <pre>
 * profile-level-id = 6 hex digits:  profile_idc (8) | profile-iop (8) | level_idc (8)
 * profile-iop bits:  constraint_set0..5 flags, then 2 reserved zero bits
 * e.g. 42e01f = profile_idc 0x42 (66), iop 0xe0 (set0..2), level_idc 0x1f (31 → 3.1) = Constrained Baseline 3.1
 * </pre>
 */
public final class H264Profiles {
  private H264Profiles() {}

  /** The profiles WebRTC stacks tell apart (libwebrtc's H264Profile). */
  public enum Profile { CONSTRAINED_BASELINE, BASELINE, MAIN, CONSTRAINED_HIGH, HIGH, PREDICTIVE_HIGH_444 }

  /** libwebrtc's kProfilePatterns: profile_idc, profile-iop bit pattern (set0 first), profile. */
  private static final Object[][] TABLE = {
      {0x42, "x1xx0000", Profile.CONSTRAINED_BASELINE},
      {0x4D, "1xxx0000", Profile.CONSTRAINED_BASELINE},
      {0x58, "11xx0000", Profile.CONSTRAINED_BASELINE},
      {0x42, "x0xx0000", Profile.BASELINE},
      {0x58, "10xx0000", Profile.BASELINE},
      {0x4D, "0x0x0000", Profile.MAIN},
      {0x64, "00000000", Profile.HIGH},
      {0x64, "00001100", Profile.CONSTRAINED_HIGH},
      {0xF4, "00000000", Profile.PREDICTIVE_HIGH_444},
  };

  /** Absent profile-level-id means Baseline, level 1.0 (RFC 6184 §8.1). */
  public static final ProfileLevelId DEFAULT = new ProfileLevelId(0x42, 0x00, 0x0a);

  /** A parsed profile-level-id. */
  public record ProfileLevelId(int profileIdc, int profileIop, int levelIdc) {
    public ProfileLevelId {
      if ((profileIdc | profileIop | levelIdc) >>> 8 != 0) {
        throw new SdpException("profile-level-id", "fields must be bytes");
      }
    }

    /** Parses 6 hex digits. */
    public static ProfileLevelId parse(String hex) {
      if (hex == null || hex.length() != 6 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new SdpException("profile-level-id", "expected 6 hex digits, got '" + hex + "'");
      }
      int v = Integer.parseInt(hex, 16);
      return new ProfileLevelId(v >>> 16, (v >>> 8) & 0xFF, v & 0xFF);
    }

    /**
     * The profile by libwebrtc's table of (profile_idc, iop bit pattern); empty for combinations it
     * does not know (e.g. High 10).
     */
    public Optional<Profile> profile() {
      for (Object[] row : TABLE) {
        if ((int) row[0] == profileIdc && bitsMatch((String) row[1], profileIop)) {
          return Optional.of((Profile) row[2]);
        }
      }
      return Optional.empty();
    }

    private static boolean bitsMatch(String pattern, int bits) {
      for (int i = 0; i < 8; i++) {
        char c = pattern.charAt(i);
        if (c != 'x' && (c == '1') != (((bits >>> (7 - i)) & 1) == 1)) {
          return false;
        }
      }
      return true;
    }

    /** Level as written in the spec: "3.1", "4", or "1b" (level_idc 11 with constraint_set3, or 9). */
    public String level() {
      boolean set3 = (profileIop & 0x10) != 0;
      if (levelIdc == 9 || (levelIdc == 11 && set3 && (profileIdc == 0x42 || profileIdc == 0x4D || profileIdc == 0x58))) {
        return "1b";
      }
      return levelIdc % 10 == 0 ? Integer.toString(levelIdc / 10) : levelIdc / 10 + "." + levelIdc % 10;
    }

    @Override
    public String toString() {
      return String.format("%02x%02x%02x", profileIdc, profileIop, levelIdc);
    }
  }

  /** profile-level-id of an fmtp parameter map, {@link #DEFAULT} when absent. */
  public static ProfileLevelId profileLevelId(Map<String, String> fmtp) {
    String v = fmtp.get("profile-level-id");
    return v == null ? DEFAULT : ProfileLevelId.parse(v);
  }

  /** packetization-mode (0 when absent); 0 single NAL, 1 non-interleaved (STAP-A, FU-A), 2 interleaved. */
  public static int packetizationMode(Map<String, String> fmtp) {
    String v = fmtp.getOrDefault("packetization-mode", "0");
    return SdpText.integer(v, 2, "packetization-mode");
  }

  public static boolean levelAsymmetryAllowed(Map<String, String> fmtp) {
    return "1".equals(fmtp.get("level-asymmetry-allowed"));
  }

  /**
   * Whether two H.264 fmtp parameter sets describe the same codec configuration: both profiles
   * recognised and equal, and the same packetization mode. Malformed parameters do not match.
   */
  public static boolean matches(Map<String, String> a, Map<String, String> b) {
    try {
      Optional<Profile> pa = profileLevelId(a).profile();
      return pa.isPresent() && pa.equals(profileLevelId(b).profile()) && packetizationMode(a) == packetizationMode(b);
    } catch (SdpException e) {
      return false;
    }
  }
}
