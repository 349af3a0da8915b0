/**
 * The WebRTC transport of the embedded server: ICE-lite (RFC 8445 §2.5), DTLS-SRTP (RFC 5764) and
 * SRTP, over one UDP port and over RFC 4571 framing on every TCP listener (docs/architecture.md, docs/protocols.md).
 *
 * <p>Only data and event interfaces leave this package (Jitsi style): the signaling layer
 * (SDP, WHIP/WHEP) calls {@link studio.tally.server.webrtc.WebRtcTransportServer#createTransport} with
 * the ICE credentials and the peer's DTLS fingerprint, puts {@code localUfrag/localPwd}, our
 * fingerprint and our candidates in its answer, and gets an
 * {@link studio.tally.server.webrtc.RtcTransport}: decrypted RTP/RTCP come out through its
 * {@link studio.tally.server.webrtc.RtcTransport.Listener}, plain RTP/RTCP go in through
 * {@code sendRtp}/{@code sendRtcp}. Forwarding (the SFU) is not here.
 *
 * <p>Threads: packets arrive on Netty I/O loops; STUN is answered there; DTLS runs on one virtual
 * thread per transport ({@code dtls.DtlsSession}, server or client role by the offer's {@code a=setup}); SRTP contexts and listener callbacks live on
 * the transport's own event loop.
 */
package studio.tally.server.webrtc;
