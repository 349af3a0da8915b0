/**
 * Destinations of one encode session.
 *
 * <pre>
 *  encoder ─► FanOut ─► RtmpPublisher ─ SendQueue (drop policy) ─► event loop: RtmpPublishConnection ─► server
 *                    └► RtmpPublisher ...            (one per destination, each with its own queue and reconnects)
 *                    └► WhipDestination ─ SendQueue ─► event loop: WhipRtpSender ─► webrtc.WebRtcClientTransport ─► server
 * </pre>
 *
 * <ul>
 *   <li>{@link studio.tally.output.RtmpUrl} parses and masks destinations;
 *   <li>{@link studio.tally.output.RtmpPublisher} is a {@link studio.tally.media.PacketSink} whose
 *   {@code onPacket} only queues; framing, chunking and TCP/TLS writes happen on a Netty event loop;
 *   <li>{@link studio.tally.output.WhipDestination} sends the same packets over WHIP (RFC 9725) through our
 *   own WebRTC transport ({@code studio.tally.webrtc}): H.264 as RTP, the AAC made Opus, RTCP SR/NACK/PLI;
 *   {@link studio.tally.output.WhipUrl} and {@link studio.tally.output.WhipOptions} are its URL and settings;
 *   <li>{@link studio.tally.output.DestinationState} and {@link studio.tally.output.DestinationStats} are what
 *   a UI or the CLI shows;
 *   <li>{@link studio.tally.output.ReconnectPolicy}, {@link studio.tally.output.SendQueueLimits} and
 *   {@link studio.tally.output.RtmpPublisherOptions} are the settings.
 * </ul>
 * The RTMP wire format comes from {@code proto.rtmp} and {@code proto.amf}, shared with the server.
 * Stream keys never reach a log: URLs print masked and server reasons that echo the key are masked.
 */
package studio.tally.output;
