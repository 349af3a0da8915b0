/**
 * The call signaling client: a Netty WebSocket to an SRS-compatible signaling server (ours or SRS's
 * own), {@code ws://} or {@code wss://} (system trust, a pinned SHA-256 fingerprint, or insecure). It
 * correlates replies by {@code tid}, times requests out, pings, and on a dropped socket reconnects with
 * backoff and rejoins its room with the resume token. Imports only {@code proto} and Netty.
 */
package studio.tally.signaling;
