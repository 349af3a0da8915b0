/**
 * Our own WebRTC transport, shared by the server's SFU ({@code server.webrtc}) and the WHIP destination
 * ({@code output}): DTLS-SRTP in both roles ({@link studio.tally.webrtc.dtls}) and the controlling ICE
 * agent of a client ({@link studio.tally.webrtc.ice}). Built on {@code proto} (STUN, SDP, SRTP, RTP),
 * Netty buffers and BouncyCastle only; the server's ice-lite agent and SFU forwarding stay in the server.
 */
package studio.tally.webrtc;
