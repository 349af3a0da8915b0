package studio.tally.proto.rtp;

/**
 * One RFC 8285 header extension element as found in a packet: its id and where its value lies
 * (offset relative to the packet start, so it can be read or rewritten in place).
 */
public record RtpExtension(int id, int offset, int length) {}
