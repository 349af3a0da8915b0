package studio.tally.server.webrtc.sdp;

import java.util.Map;

/**
 * What a player will receive: the publisher's codecs and the SSRCs the SFU sends them with (chosen
 * by the caller, one set per player). A player is answered only with what the source really sends.
 *
 * @param streamId  the {@code a=msid} stream id written for every track
 * @param cname     the RTCP CNAME of our sending SSRCs
 * @param audio     null when the source has no audio
 * @param video     null when the source has no video
 */
public record PlaySource(String streamId, String cname, Track audio, Track video) {

  public PlaySource {
    token(streamId, "msid stream id");
    token(cname, "cname");
    if (audio == null && video == null) {
      throw new IllegalArgumentException("a play source needs audio or video");
    }
  }

  /**
   * One track of the source.
   *
   * @param codec    encoding name as in rtpmap: {@code opus}, {@code H264}, {@code VP8}, {@code AV1}
   * @param channels 2 for Opus, 1 for video
   * @param fmtp     the source's parameters; for H.264 at least {@code profile-level-id} and
   *                 {@code packetization-mode}
   * @param ssrc     our sending SSRC
   * @param rtxSsrc  our RTX SSRC, or null to send without RTX (RTX is then not negotiated)
   * @param trackId  the {@code a=msid} track id
   */
  public record Track(String codec, int clockRate, int channels, Map<String, String> fmtp, long ssrc, Long rtxSsrc,
      String trackId) {
    public Track {
      token(codec, "codec");
      fmtp = Map.copyOf(fmtp);
      checkSsrc(ssrc);
      if (rtxSsrc != null) {
        checkSsrc(rtxSsrc);
        if (rtxSsrc == ssrc) {
          throw new IllegalArgumentException("rtx ssrc equals media ssrc " + ssrc);
        }
      }
      token(trackId, "msid track id");
    }

    /** Opus 48 kHz stereo, as the SFU forwards it. */
    public static Track opus(long ssrc, String trackId) {
      return new Track("opus", 48000, 2, Map.of("minptime", "10", "useinbandfec", "1"), ssrc, null, trackId);
    }

    /** H.264 packetization-mode 1 with the given profile-level-id (e.g. {@code 42e01f}). */
    public static Track h264(String profileLevelId, long ssrc, Long rtxSsrc, String trackId) {
      return new Track("H264", 90000, 1, Map.of("profile-level-id", profileLevelId, "packetization-mode", "1",
          "level-asymmetry-allowed", "1"), ssrc, rtxSsrc, trackId);
    }

    /** How the codec is named in errors: {@code H264 42e01f}, {@code VP8}, {@code opus/48000/2}. */
    String describe() {
      if (codec.equalsIgnoreCase("H264")) {
        return "H264 " + fmtp.getOrDefault("profile-level-id", "42000a");
      }
      return channels > 1 ? codec + "/" + clockRate + "/" + channels : codec;
    }
  }

  private static void checkSsrc(long ssrc) {
    if (ssrc < 0 || ssrc > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("ssrc " + ssrc + " outside 32 bits");
    }
  }

  private static void token(String s, String what) {
    if (s == null || s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(what + " must be non-empty without spaces or control characters");
    }
  }
}
