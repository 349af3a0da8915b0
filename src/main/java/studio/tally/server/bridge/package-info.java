/**
 * The RTMP &lt;-&gt; WebRTC bridge: maps a stream published in one protocol for players of the other.
 *
 * <p>The server runs headless and never touches FFmpeg: what the bridge needs from an audio codec
 * library (AAC &lt;-&gt; Opus) it declares here as {@link studio.tally.server.bridge.AudioTranscoderFactory};
 * {@code media} implements it and {@code cli}/{@code live} hand the implementation to the server.
 */
package studio.tally.server.bridge;
