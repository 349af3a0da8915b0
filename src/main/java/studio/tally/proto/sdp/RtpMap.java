package studio.tally.proto.sdp;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]} (RFC 8866 §6.6),
 * e.g. {@code 111 opus/48000/2}, {@code 96 VP8/90000}. For audio the encoding parameters are the
 * channel count (1 when absent).
 */
public record RtpMap(int payloadType, String encoding, int clockRate, Integer channels) {
  public RtpMap {
    if (payloadType < 0 || payloadType > 127) {
      throw new SdpException("a=rtpmap payload type", payloadType + " outside 0..127");
    }
    SdpText.token(encoding, "a=rtpmap encoding");
    if (encoding.indexOf('/') >= 0 || clockRate <= 0 || (channels != null && channels <= 0)) {
      throw new SdpException("a=rtpmap", "bad encoding, clock rate or channels");
    }
  }

  static RtpMap parse(String value) {
    int space = value.indexOf(' ');
    if (space < 0) {
      throw new SdpException("a=rtpmap", "expected <payload type> <encoding>/<clock rate>, got '" + value + "'");
    }
    int pt = SdpText.integer(value.substring(0, space), 127, "a=rtpmap payload type");
    String[] parts = value.substring(space + 1).trim().split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new SdpException("a=rtpmap clock rate", "expected <encoding>/<clock rate>[/<channels>], got '"
          + value.substring(space + 1) + "'");
    }
    int clock = SdpText.integer(parts[1], Integer.MAX_VALUE, "a=rtpmap clock rate");
    Integer channels = parts.length == 3 ? SdpText.integer(parts[2], 255, "a=rtpmap channels") : null;
    return new RtpMap(pt, SdpText.token(parts[0], "a=rtpmap encoding"), clock, channels);
  }

  public Attribute toAttribute() {
    return new Attribute("rtpmap", payloadType + " " + encoding + "/" + clockRate + (channels == null ? "" : "/" + channels));
  }
}
