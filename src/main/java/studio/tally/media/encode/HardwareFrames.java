package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avutil.*;

import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVHWFramesContext;
import studio.tally.media.Av;
import studio.tally.media.MediaException;

/**
 * A hardware device and a pool of its surfaces for one encoder (VAAPI, QSV, Vulkan): what
 * FFmpegFrameRecorder cannot set up. Software frames (nv12) are uploaded into a surface per frame.
 */
final class HardwareFrames implements AutoCloseable {
  private AVBufferRef device;
  private AVBufferRef frames;

  private HardwareFrames() {}

  /** Creates the device and a frames context of width x height; throws with FFmpeg's reason. */
  static HardwareFrames open(int deviceType, int hwFormat, int swFormat, int width, int height) {
    var hw = new HardwareFrames();
    try {
      hw.device = new AVBufferRef(null);
      String typeName = av_hwdevice_get_type_name(deviceType).getString();
      Av.check(av_hwdevice_ctx_create(hw.device, deviceType, (String) null, null, 0), "cannot open a " + typeName + " device");
      hw.frames = av_hwframe_ctx_alloc(hw.device);
      if (hw.frames == null) throw new MediaException("cannot allocate " + typeName + " frames");
      var ctx = new AVHWFramesContext(hw.frames.data());
      ctx.format(hwFormat);
      ctx.sw_format(swFormat);
      ctx.width(width);
      ctx.height(height);
      ctx.initial_pool_size(20);
      Av.check(av_hwframe_ctx_init(hw.frames), "cannot set up " + typeName + " frames");
      return hw;
    } catch (RuntimeException e) {
      hw.close();
      throw e;
    }
  }

  /** A new reference the encoder's hw_frames_ctx can keep. */
  AVBufferRef framesRef() {
    return av_buffer_ref(frames);
  }

  /** Copies a software frame into a new hardware surface (pts carried over); caller frees it. */
  AVFrame upload(AVFrame software) {
    AVFrame surface = av_frame_alloc();
    try {
      Av.check(av_hwframe_get_buffer(frames, surface, 0), "no free hardware surface");
      Av.check(av_hwframe_transfer_data(surface, software, 0), "upload to hardware surface");
      Av.check(av_frame_copy_props(surface, software), "frame properties");
      return surface;
    } catch (RuntimeException e) {
      av_frame_free(surface);
      throw e;
    }
  }

  @Override
  public void close() {
    if (frames != null && !frames.isNull()) av_buffer_unref(frames);
    if (device != null && !device.isNull()) av_buffer_unref(device);
    frames = null;
    device = null;
  }
}
