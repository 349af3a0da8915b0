package studio.tally.play;

import java.nio.ByteBuffer;
import studio.tally.media.decode.DecodedPicture;

/** What a player tells its owner; calls come from the player's decode or network thread. */
public interface PlayerListener {

  /** A decoded picture, lent for the call (a window converts it with toArgb; headless ignores it). */
  default void onPicture(DecodedPicture picture) {}

  /**
   * A picture libwebrtc decoded (WHEP, webrtc://), as I420 planes lent for the call (native memory:
   * copy what you keep, e.g. with {@link I420#toArgb}); on libwebrtc's render thread.
   */
  default void onI420(int width, int height, ByteBuffer y, int strideY, ByteBuffer u, int strideU, ByteBuffer v,
      int strideV) {}

  /** Decoded audio from libwebrtc (WHEP, webrtc://): 16-bit little-endian interleaved PCM, 10 ms blocks. */
  default void onAudio(byte[] pcm, int sampleRate, int channels, int frames) {}

  /** The player stopped for a reason other than {@link Player#close()}. */
  default void onEnded(PlayFailure failure) {}
}
