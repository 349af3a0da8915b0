package studio.tally.media;

import java.util.List;

/**
 * Which encoder {@link studio.tally.media.session.MediaSession#startEncoding} ended up using and which ones it tried first.
 *
 * @param requested what the settings asked for ("auto" or a name)
 * @param used the FFmpeg encoder now encoding
 * @param failed encoders that were tried before it and failed to open, in order, with FFmpeg's reason
 */
public record EncoderChoice(String requested, String used, List<Failed> failed) {

  /** An encoder that could not be opened. */
  public record Failed(String encoder, String reason) {}

  public EncoderChoice {
    failed = List.copyOf(failed);
  }

  /** Whether another encoder than the first one tried is in use. */
  public boolean fellBack() {
    return !failed.isEmpty();
  }

  /** "encoder h264_nvenc failed: Cannot load libcuda.so.1; using libx264", or "using libx264". */
  public String message() {
    var text = new StringBuilder();
    for (Failed f : failed) text.append("encoder ").append(f.encoder()).append(" failed: ").append(f.reason()).append("; ");
    return text.append("using ").append(used).toString();
  }
}
