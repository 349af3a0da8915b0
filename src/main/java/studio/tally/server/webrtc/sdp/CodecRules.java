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
   * Baseline, Main, High; then VP8; then AV1. Ties go to the offer's order.
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
      if (H264Profiles.packetizationMode(fmtp) != 1) {
        return NO;
      }
      H264Profiles.ProfileLevelId plid = H264Profiles.profileLevelId(fmtp);
      if (plid.toString().equals("42e01f")) {
        return 0;
      }
      return plid.profile().map(p -> switch (p) {
        case CONSTRAINED_BASELINE -> 1;
        case BASELINE -> 2;
        case MAIN -> 3;
        case CONSTRAINED_HIGH, HIGH -> 4;
        case PREDICTIVE_HIGH_444 -> NO;
      }).orElse(NO);
    } catch (SdpException e) {
      return NO;
    }
  }

  /**
   * Playing: the offered payload type that can carry what the source sends. Same encoding and clock;
   * for H.264 the same packetization mode and the exact profile-level-id first, then the same profile
   * at another level, then — for a Constrained Baseline source — Baseline (a Baseline decoder decodes
   * every Constrained Baseline stream). Ties go to the offer's order.
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
    if (!source.codec().equalsIgnoreCase("H264")) {
      return 0;
    }
    try {
      Map<String, String> theirs = c.parameters();
      Map<String, String> ours = source.fmtp();
      if (H264Profiles.packetizationMode(theirs) != H264Profiles.packetizationMode(ours)) {
        return NO;
      }
      H264Profiles.ProfileLevelId want = H264Profiles.profileLevelId(ours);
      H264Profiles.ProfileLevelId have = H264Profiles.profileLevelId(theirs);
      if (want.equals(have)) {
        return 0;
      }
      Optional<Profile> wantProfile = want.profile();
      Optional<Profile> haveProfile = have.profile();
      if (wantProfile.isEmpty() || haveProfile.isEmpty()) {
        return NO;
      }
      if (wantProfile.equals(haveProfile)) {
        return 1;
      }
      return wantProfile.get() == Profile.CONSTRAINED_BASELINE && haveProfile.get() == Profile.BASELINE ? 2 : NO;
    } catch (SdpException e) {
      return NO;
    }
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
