package studio.tally.server.webrtc.sdp;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import studio.tally.proto.sdp.Fingerprint;
import studio.tally.proto.sdp.SessionDescription;
import studio.tally.proto.sdp.Setup;
import studio.tally.webrtc.dtls.DtlsRole;

/**
 * The outcome of an offer/answer: the answer to send back and what the SFU must know to run the
 * session. The server is always ICE-lite, the DTLS server ({@code a=setup:passive}) and rtcp-mux.
 *
 * @param answer   the answer, ready for {@link SessionDescription#encode()}
 * @param media    accepted m-lines, in offer order
 * @param rejected m-lines answered with port 0, in offer order
 * @param remote   the peer's transport parameters (shared by the bundle)
 */
public record Negotiated(Role role, SessionDescription answer, List<Media> media, List<Rejected> rejected,
    RemoteTransport remote) {

  public Negotiated {
    media = List.copyOf(media);
    rejected = List.copyOf(rejected);
  }

  public enum Kind { AUDIO, VIDEO }

  /**
   * One accepted m-line.
   *
   * @param index          position among the offer's m-lines (0-based)
   * @param mid            the offer's mid (or the index as text when it had none)
   * @param rtxPayloadType RTX payload type for {@link #codec}, or null
   * @param extensions     header extension URI → id (the offer's ids), only those we use
   * @param remoteSsrcs    what the peer announced with a=ssrc / a=ssrc-group:FID
   */
  public record Media(Kind kind, int index, String mid, CodecChoice codec, Integer rtxPayloadType,
      Set<Feedback> feedback, Map<String, Integer> extensions, List<RemoteSsrc> remoteSsrcs) {
    public Media {
      feedback = Set.copyOf(feedback);
      extensions = Map.copyOf(extensions);
      remoteSsrcs = List.copyOf(remoteSsrcs);
    }

    public Optional<Integer> extensionId(String uri) {
      return Optional.ofNullable(extensions.get(uri));
    }
  }

  /** The payload format chosen for an m-line; {@code fmtp} is what the answer says for it. */
  public record CodecChoice(int payloadType, String name, int clockRate, int channels, Map<String, String> fmtp) {
    public CodecChoice {
      fmtp = Map.copyOf(fmtp);
    }
  }

  /**
   * An SSRC the peer announced. {@code rtxSsrc} comes from {@code a=ssrc-group:FID <media> <rtx>},
   * with or without an {@code a=ssrc} line of its own (FFmpeg's WHIP muxer writes none).
   *
   * @param rtxSsrc null without an FID group
   * @param cname   null when the offer has no {@code a=ssrc:<ssrc> cname:} line
   */
  public record RemoteSsrc(long ssrc, Long rtxSsrc, String cname) {}

  /** The peer's ICE and DTLS parameters. */
  public record RemoteTransport(String iceUfrag, String icePwd, Fingerprint fingerprint, Setup setup) {
    /** Our end of the DTLS handshake for the offered setup: client only when the peer offered passive. */
    public DtlsRole dtlsRole() {
      return DtlsRole.answering(setup);
    }

    @Override
    public String toString() {
      return "RemoteTransport[iceUfrag=" + iceUfrag + ", icePwd=<hidden>, fingerprint=" + fingerprint
          + ", setup=" + setup + "]";
    }
  }

  /** An m-line answered with port 0, and why. */
  public record Rejected(int index, String media, String mid, String why) {}

  public Optional<Media> audio() {
    return media.stream().filter(m -> m.kind() == Kind.AUDIO).findFirst();
  }

  public Optional<Media> video() {
    return media.stream().filter(m -> m.kind() == Kind.VIDEO).findFirst();
  }
}
