package studio.tally.media;

/**
 * Receives the composed scene for display. Called on the session's preview thread (never the scene
 * or encode thread), one frame at a time; while it is busy, newer frames replace the waiting one
 * (dropped and counted), so a slow consumer never queues frames or slows the encoder.
 */
@FunctionalInterface
public interface PreviewSink {

  /** frame is valid only during this call: copy what you keep (e.g. into a JavaFX PixelBuffer). */
  void onPreview(PreviewFrame frame);
}
