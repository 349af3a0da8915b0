package studio.tally.webrtc.dtls;

import studio.tally.proto.sdp.Setup;

/** Which end of the DTLS handshake we are, from the offer's {@code a=setup} (RFC 5763 §5, RFC 8842 §5.3). */
public enum DtlsRole {
  /** Our answer says {@code passive}: the peer offered {@code actpass} or {@code active} and sends the ClientHello. */
  SERVER(Setup.PASSIVE),
  /** Our answer says {@code active}: the peer offered {@code passive} and waits for our ClientHello. */
  CLIENT(Setup.ACTIVE);

  private final Setup answer;

  DtlsRole(Setup answer) {
    this.answer = answer;
  }

  /** The {@code a=setup} our answer carries in this role. */
  public Setup answerSetup() {
    return answer;
  }

  /**
   * Our role for the offer's {@code a=setup} (absent means {@code actpass}, RFC 4145 §4). As answerer
   * we take the server role whenever the offer lets us; {@code holdconn} has no role and is refused.
   *
   * @throws IllegalArgumentException for {@code holdconn}
   */
  public static DtlsRole answering(Setup offered) {
    return switch (offered) {
      case ACTPASS, ACTIVE -> SERVER;
      case PASSIVE -> CLIENT;
      case HOLDCONN -> throw new IllegalArgumentException("a=setup:holdconn: the peer wants no DTLS connection");
    };
  }
}
