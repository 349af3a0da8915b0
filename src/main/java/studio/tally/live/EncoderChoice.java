package studio.tally.live;

/**
 * An encoder the settings can pick, and whether it works on this machine.
 *
 * @param reason null when usable; why not otherwise (e.g. "Cannot load libcuda.so.1")
 */
public record EncoderChoice(String name, String codec, boolean hardware, boolean usable, String reason) {}
