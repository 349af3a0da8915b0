/**
 * SRS-compatible one-to-one call signaling as a pure codec: the JSON text frames of a WebSocket at
 * {@code /sig/v1/rtc}. Requests {@code {"tid","msg":{"action",...}}} ({@link SignalingRequest}); replies
 * with the same {@code tid}, notifications without one ({@link ServerMessage}). Our extensions keep the
 * SRS shapes: {@code leave}, {@code error} replies, a {@code resume} token in the join reply and
 * request, an auth {@code token}, and {@code to} on {@code control}. {@link SignalingCodec} maps text to
 * records and back; no threads, no sockets.
 */
package studio.tally.proto.signaling;
