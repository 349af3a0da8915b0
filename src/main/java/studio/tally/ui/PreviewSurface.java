package studio.tally.ui;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/**
 * The preview picture: an {@link ImageView} over two {@link PixelBuffer}s. The preview thread
 * copies a frame into the buffer not on screen; the FX thread swaps it in and marks it dirty. At
 * most one swap is pending: frames arriving meanwhile are dropped (counted), so a busy FX thread
 * never queues work and the media layer is never slowed.
 */
final class PreviewSurface {
  /** One buffer with its JavaFX image; the pixels are premultiplied ARGB, stride = width. */
  private static final class Slot {
    final int width;
    final int height;
    final IntBuffer pixels;
    PixelBuffer<IntBuffer> pixelBuffer; // made on the FX thread the first time it is shown
    WritableImage image;

    Slot(int width, int height) {
      this.width = width;
      this.height = height;
      this.pixels = ByteBuffer.allocateDirect(width * height * 4).order(ByteOrder.nativeOrder()).asIntBuffer();
    }
  }

  private ImageView view; // made on the FX thread (the surface itself may be made before JavaFX starts)
  private final Executor fx;
  private final AtomicBoolean swapPending = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final ReadOnlyLongWrapper framesShown = new ReadOnlyLongWrapper(this, "framesShown");
  private volatile Slot back; // the preview thread writes it only while no swap is pending
  private Slot front; // FX thread only
  private volatile Runnable onFirstFrame;

  /** @param fx runs work on the FX thread (Platform::runLater; tests may pass another) */
  PreviewSurface(Executor fx) {
    this.fx = fx;
  }

  /** FX thread. */
  ImageView view() {
    if (view == null) {
      view = new ImageView();
      view.setPreserveRatio(true);
      view.setSmooth(true);
      view.getStyleClass().add("preview-image");
    }
    return view;
  }

  /** Frames put on screen so far (FX thread). */
  ReadOnlyLongProperty framesShownProperty() {
    return framesShown.getReadOnlyProperty();
  }

  /** Frames that arrived while the previous one was still waiting for the FX thread. */
  long framesDropped() {
    return dropped.get();
  }

  void onFirstFrame(Runnable r) {
    onFirstFrame = r;
  }

  /**
   * Called on the preview thread; {@code argb} is valid only during the call. Copies it into the
   * spare buffer unless a swap is still pending.
   */
  void offer(int width, int height, IntBuffer argb) {
    if (width <= 0 || height <= 0 || argb.remaining() < width * height) return;
    if (swapPending.get()) {
      dropped.incrementAndGet();
      return;
    }
    Slot slot = back;
    if (slot == null || slot.width != width || slot.height != height) {
      slot = new Slot(width, height);
      back = slot;
    }
    IntBuffer src = argb.duplicate();
    src.limit(src.position() + width * height);
    slot.pixels.clear();
    slot.pixels.put(src);
    slot.pixels.flip();
    swapPending.set(true);
    Slot ready = slot;
    fx.execute(() -> swapIn(ready));
  }

  private void swapIn(Slot slot) {
    if (slot.pixelBuffer == null) {
      slot.pixelBuffer = new PixelBuffer<>(slot.width, slot.height, slot.pixels, PixelFormat.getIntArgbPreInstance());
      slot.image = new WritableImage(slot.pixelBuffer);
    }
    slot.pixelBuffer.updateBuffer(pb -> null); // whole image dirty
    if (view().getImage() != slot.image) view().setImage(slot.image);
    Slot previous = front;
    front = slot;
    // the slot just replaced becomes the spare; a differently sized one is dropped and remade on demand
    back = previous != null && previous != slot ? previous : null;
    swapPending.set(false);
    framesShown.set(framesShown.get() + 1);
    Runnable first = onFirstFrame;
    if (first != null) {
      onFirstFrame = null;
      first.run();
    }
  }
}
