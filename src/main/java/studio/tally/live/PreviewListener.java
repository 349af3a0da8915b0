package studio.tally.live;

import java.nio.IntBuffer;

/**
 * Receives the composed scene, scaled, at the scene's frame rate, on the media layer's preview
 * thread. The pixels are premultiplied ARGB ints (JavaFX {@code PixelFormat.getIntArgbPreInstance()}),
 * row stride = width, valid only during the call: copy them. A slow listener loses frames; it never
 * slows the encoder.
 */
@FunctionalInterface
public interface PreviewListener {
  void onFrame(int width, int height, IntBuffer argbPremultiplied, long ptsMicros);
}
