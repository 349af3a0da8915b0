package studio.tally.server.webrtc.sdp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import studio.tally.proto.sdp.Codec;
import studio.tally.proto.sdp.H264Profiles;
import studio.tally.proto.sdp.H264Profiles.Profile;
import studio.tally.proto.sdp.SdpException;

/**
 * Which offered payload type the SFU answers with. One codec per m-line (plus its RTX): the SFU
 * forwards, it never transcodes, so a second codec would only be a second thing to get wrong.
 */
final class CodecRules {
  private CodecRules() {}

  private static final int NO = Integer.MAX_VALUE;

  /** Opus 48000/2, the only audio the SFU carries (RFC 7587 §7 says every Opus rtpmap is opus/48000/2). */
  static Optional<Codec> opus(List<Codec> offered) {
    return offered.stream().filter(CodecRules::isOpus).findFirst();
  }

  static boolean isOpus(Codec c) {
    return c.name().equalsIgnoreCase("opus") && c.clockRate() == 48000 && c.channels() == 2;
  }

  /**
   * Publishing: the best video codec the SFU can receive and forward. H.264 packetization-mode 1
   * first (every browser decodes it, RTMP/FLV carry it): 42e01f, then other Constrained Baseline,
   * Baseline, Main, High; then H.264 packetization-mode 0 in the same order (single NAL units:
   * trivially received, and valid mode-1 packets for players); then VP8; then AV1. Ties go to the
   * offer's order.
   */
  static Optional<Codec> publishVideo(List<Codec> offered) {
    return best(offered, CodecRules::publishRank);
  }

  private static int publishRank(Codec c) {
    String name = c.name().toUpperCase(Locale.ROOT);
    if (c.clockRate() != 90000) {
      return NO;
    }
    return switch (name) {
      case "H264" -> h264PublishRank(c.parameters());
      case "VP8" -> 10;
      case "AV1" -> 11;
      default -> NO;
    };
  }

  private static int h264PublishRank(Map<String, String> fmtp) {
    try {
      int mode = H264Profiles.packetizationMode(fmtp);
      if (mode > 1) {
        return NO;
      }
      int modeRank = mode == 1 ? 0 : 5;
      H264Profiles.ProfileLevelId plid = H264Profiles.profileLevelId(fmtp);
      if (plid.toString().equals("42e01f")) {
        return modeRank;
      }
      return plid.profile().map(p -> switch (p) {
        case CONSTRAINED_BASELINE -> modeRank + 1;
        case BASELINE -> modeRank + 2;
        case MAIN -> modeRank + 3;
        case CONSTRAINED_HIGH, HIGH -> modeRank + 4;
        case PREDICTIVE_HIGH_444 -> NO;
      }).orElse(NO);
    } catch (SdpException e) {
      return NO;
    }
  }

  /**
   * Playing: the offered payload type that can carry what the source sends. Same encoding and clock;
   * for H.264 the exact profile-level-id first, then the same profile at another level, then — for a
   * Constrained Baseline source — Baseline (a Baseline decoder decodes every Constrained Baseline
   * stream); each first with the source's packetization mode, then with the other one of 0 and 1: a
   * mode-0 source's single NAL units are valid mode 1, and a player offering only mode 0 gets the
   * mode-1 stream as it is (FU-A, STAP-A) on its mode-0 payload type, as SRS does — every H.264
   * depacketizer in use (libwebrtc, pion, GStreamer, FFmpeg) takes all three packet types. Ties go to
   * the offer's order.
   */
  static Optional<Codec> playTrack(List<Codec> offered, PlaySource.Track source) {
    return best(offered, c -> playRank(c, source));
  }

  private static int playRank(Codec c, PlaySource.Track source) {
    if (!c.name().equalsIgnoreCase(source.codec()) || c.clockRate() != source.clockRate()) {
      return NO;
    }
    if (source.codec().equalsIgnoreCase("opus")) {
      return c.channels() == source.channels() ? 0 : NO;
    }
    if (source.codec().equalsIgnoreCase("H265")) {
      // RFC 7798 §7.2.2: the receiver decodes the profile it names (profile-id absent: 1, Main)
      return h265Profile(c.parameters()).equals(h265Profile(source.fmtp())) ? 0 : NO;
    }
    if (!source.codec().equalsIgnoreCase("H264")) {
      return 0;
    }
    try {
      Map<String, String> theirs = c.parameters();
      Map<String, String> ours = source.fmtp();
      int theirMode = H264Profiles.packetizationMode(theirs);
      if (theirMode > 1) {
        return NO;
      }
      int modeRank = theirMode == H264Profiles.packetizationMode(ours) ? 0 : 3;
      H264Profiles.ProfileLevelId want = H264Profiles.profileLevelId(ours);
      H264Profiles.ProfileLevelId have = H264Profiles.profileLevelId(theirs);
      if (want.equals(have)) {
        return modeRank;
      }
      Optional<Profile> wantProfile = want.profile();
      Optional<Profile> haveProfile = have.profile();
      if (wantProfile.isEmpty() || haveProfile.isEmpty()) {
        return NO;
      }
      if (wantProfile.equals(haveProfile)) {
        return modeRank + 1;
      }
      return wantProfile.get() == Profile.CONSTRAINED_BASELINE && haveProfile.get() == Profile.BASELINE
          ? modeRank + 2 : NO;
    } catch (SdpException e) {
      return NO;
    }
  }

  /**
   * Why no offered codec carries {@code source}, naming the parameter that differs: e.g.
   * {@code H264 profile-level-id 640c1f (HIGH) does not decode 42e01f (CONSTRAINED_BASELINE)},
   * {@code H264 packetization-mode=2 (0 or 1 only)}, {@code opus channels 1 (source has 2)},
   * {@code VP8 clock rate 48000 (source 90000)}; empty when the codec name was not offered at all.
   */
  static Optional<String> playMismatch(List<Codec> offered, PlaySource.Track source) {
    List<String> why = new ArrayList<>();
    for (Codec c : offered) {
      if (!c.name().equalsIgnoreCase(source.codec())) {
        continue;
      }
      String n = source.codec();
      if (c.clockRate() != source.clockRate()) {
        why.add(n + " clock rate " + c.clockRate() + " (source " + source.clockRate() + ")");
      } else if (n.equalsIgnoreCase("opus") && c.channels() != source.channels()) {
        why.add(n + " channels " + c.channels() + " (source has " + source.channels() + ")");
      } else if (n.equalsIgnoreCase("H264")) {
        why.add(h264Mismatch(c.parameters(), source.fmtp()));
      } else if (n.equalsIgnoreCase("H265")) {
        why.add("H265 profile-id " + h265Profile(c.parameters()) + " (source " + h265Profile(source.fmtp()) + ")");
      }
    }
    return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", new LinkedHashSet<>(why)));
  }

  private static String h265Profile(Map<String, String> fmtp) {
    return fmtp.getOrDefault("profile-id", "1").trim();
  }

  private static String h264Mismatch(Map<String, String> theirs, Map<String, String> ours) {
    try {
      int mode = H264Profiles.packetizationMode(theirs);
      if (mode > 1) {
        return "H264 packetization-mode=" + mode + " (0 or 1 only)";
      }
      H264Profiles.ProfileLevelId want = H264Profiles.profileLevelId(ours);
      H264Profiles.ProfileLevelId have = H264Profiles.profileLevelId(theirs);
      return "H264 profile-level-id " + have + " (" + have.profile().map(Enum::name).orElse("unknown profile")
          + ") does not decode " + want + " (" + want.profile().map(Enum::name).orElse("unknown profile") + ")";
    } catch (SdpException e) {
      return "H264 " + e.getMessage();
    }
  }

  /**
   * Why no offered video codec can be published, naming the parameter: {@code H264
   * packetization-mode=2 (0 or 1 only)}, {@code H264 profile-level-id f4001f (PREDICTIVE_HIGH_444)
   * not supported}, {@code VP8 clock rate 8000 (must be 90000)}; empty when none of our codecs was offered.
   */
  static Optional<String> publishMismatch(List<Codec> offered) {
    List<String> why = new ArrayList<>();
    for (Codec c : offered) {
      String name = c.name().toUpperCase(Locale.ROOT);
      if (!name.equals("H264") && !name.equals("VP8") && !name.equals("AV1")) {
        continue;
      }
      if (c.clockRate() != 90000) {
        why.add(c.name() + " clock rate " + c.clockRate() + " (must be 90000)");
        continue;
      }
      if (name.equals("H264")) {
        try {
          int mode = H264Profiles.packetizationMode(c.parameters());
          H264Profiles.ProfileLevelId plid = H264Profiles.profileLevelId(c.parameters());
          if (mode > 1) {
            why.add("H264 packetization-mode=" + mode + " (0 or 1 only)");
          } else {
            why.add("H264 profile-level-id " + plid + " ("
                + plid.profile().map(Enum::name).orElse("unknown profile") + ") not supported");
          }
        } catch (SdpException e) {
          why.add("H264 " + e.getMessage());
        }
      }
    }
    return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", new LinkedHashSet<>(why)));
  }

  private static Optional<Codec> best(List<Codec> offered, ToIntFunction<Codec> rank) {
    // Stream.min keeps the first of equal elements, so ties go to the offer's order.
    return offered.stream().filter(c -> rank.applyAsInt(c) != NO).min(Comparator.comparingInt(rank));
  }

  /** Media codecs of an m-line for error messages: {@code VP8, VP9, H264 42e01f}; no RED/FEC/comfort noise. */
  static String describe(List<Codec> offered) {
    Set<String> names = new LinkedHashSet<>();
    for (Codec c : offered) {
      String n = c.name().toLowerCase(Locale.ROOT);
      if (n.equals("red") || n.equals("ulpfec") || n.startsWith("flexfec") || n.equals("cn")
          || n.equals("telephone-event")) {
        continue;
      }
      names.add(describe(c));
    }
    return names.isEmpty() ? "nothing" : String.join(", ", new ArrayList<>(names));
  }

  static String describe(Codec c) {
    if (c.name().equalsIgnoreCase("H264")) {
      String plid = c.parameters().getOrDefault("profile-level-id", "42000a");
      String pm = c.parameters().getOrDefault("packetization-mode", "0");
      return "H264 " + plid + (pm.equals("1") ? "" : " packetization-mode=" + pm);
    }
    if (c.name().equalsIgnoreCase("opus")) {
      return "opus/" + c.clockRate() + "/" + c.channels();
    }
    return c.name();
  }
}
