package studio.tally.live;

import studio.tally.config.SceneSource;

/**
 * A capture device this machine has, for the "add source" menu.
 *
 * @param kind the source kind it can be added as (SCREEN, CAMERA, MIC)
 * @param deviceId what goes into {@code SceneSource.deviceId}
 * @param reason null when it opens; FFmpeg's reason otherwise
 */
public record AvailableDevice(SceneSource.Kind kind, String deviceId, String description, boolean openable,
    String reason, int width, int height) {}
