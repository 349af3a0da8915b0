package studio.tally.media.encode;

import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * An FFmpeg encoder the catalog knows how to drive: its codec, the hardware device it needs (an
 * AV_HWDEVICE_TYPE_*, or NONE) and the software pixel format it wants from the scene.
 */
public record EncoderCandidate(String name, String codec, int hwDeviceType, int swPixelFormat) {
  public static final int NONE = AV_HWDEVICE_TYPE_NONE;

  public boolean hardware() {
    return hwDeviceType != NONE || !name.startsWith("lib");
  }

  /** The pixel format frames have inside the encoder: the hardware surface format, or swPixelFormat. */
  public int encoderPixelFormat() {
    if (hwDeviceType == AV_HWDEVICE_TYPE_VAAPI) return AV_PIX_FMT_VAAPI;
    if (hwDeviceType == AV_HWDEVICE_TYPE_QSV) return AV_PIX_FMT_QSV;
    if (hwDeviceType == AV_HWDEVICE_TYPE_VULKAN) return AV_PIX_FMT_VULKAN;
    return swPixelFormat;
  }

  static EncoderCandidate software(String name, String codec) {
    return new EncoderCandidate(name, codec, NONE, AV_PIX_FMT_YUV420P);
  }

  static EncoderCandidate direct(String name, String codec, int pixFmt) {
    return new EncoderCandidate(name, codec, NONE, pixFmt);
  }

  static EncoderCandidate withDevice(String name, String codec, int deviceType) {
    return new EncoderCandidate(name, codec, deviceType, AV_PIX_FMT_NV12);
  }
}
