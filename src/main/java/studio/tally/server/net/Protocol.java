package studio.tally.server.net;

/** What the first bytes of a TCP connection say it speaks (the "one port for everything" sniffer). */
public enum Protocol {
  /** 0x16 0x03: a TLS ClientHello; the decrypted bytes are sniffed again. */
  TLS,
  /** 0x03: RTMP C0 (plain; 0x06 RTMPE is refused). */
  RTMP,
  /** An ASCII request method followed by a space. */
  HTTP,
  /** RFC 4571 frame holding a STUN Binding Request: WebRTC over TCP. */
  STUN_TCP;
}
