/**
 * Audio transcoding with FFmpeg for the server's RTMP &lt;-&gt; WebRTC bridge: implements
 * {@link studio.tally.server.bridge.AudioTranscoderFactory}, which the server declares and {@code cli}
 * / {@code live} hand to it, so the server itself never touches FFmpeg.
 */
package studio.tally.media.transcode;
