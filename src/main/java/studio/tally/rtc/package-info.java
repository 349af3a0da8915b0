/**
 * WebRTC peers on libwebrtc (webrtc-java): the WHIP/WHEP HTTP exchange ({@link studio.tally.rtc.WhipExchange}),
 * a {@link studio.tally.rtc.WhipPublisher} that sends pushed I420 frames and PCM audio, and a
 * {@link studio.tally.rtc.WhepPlayer} that reports decoded frames and stats. Both are offerers over an
 * {@link studio.tally.rtc.SdpExchange}, so the same classes also connect peer to peer
 * ({@link studio.tally.rtc.WhipPublisher#answerer()}). No JavaFX, no FFmpeg: callers bring the pixels.
 */
package studio.tally.rtc;
