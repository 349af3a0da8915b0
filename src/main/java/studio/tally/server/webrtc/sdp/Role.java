package studio.tally.server.webrtc.sdp;

/** Which way media flows through a session, seen from the server. */
public enum Role {
  /** WHIP: the peer sends, we receive (the offer is sendonly or sendrecv; we answer recvonly). */
  PUBLISH,
  /** WHEP: we send, the peer receives (the offer is recvonly or sendrecv; we answer sendonly). */
  PLAY
}
