package studio.tally.server.bridge;

/**
 * One encoded audio frame: a raw AAC access unit or one Opus packet, with its presentation time.
 *
 * @param ptsMicros presentation time in microseconds on the stream's own timeline
 */
public record AudioUnit(byte[] data, long ptsMicros) {}
