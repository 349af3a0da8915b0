package studio.tally.proto.stun;

/** What a packet on a shared ICE/DTLS/SRTP port is, by its first byte (RFC 7983 §7). */
public enum PacketKind {
  /** 0..3 */
  STUN,
  /** 16..19 */
  ZRTP,
  /** 20..63 */
  DTLS,
  /** 64..79: TURN ChannelData */
  TURN_CHANNEL,
  /** 128..191 */
  RTP_RTCP,
  /** anything else: drop */
  UNKNOWN
}
