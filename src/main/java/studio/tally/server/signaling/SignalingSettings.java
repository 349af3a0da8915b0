package studio.tally.server.signaling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;

/**
 * The call signaling server's knobs ({@code "signaling"} in the server's JSON config); null = default.
 *
 * @param roomCapacity participants per room (default 2: one-to-one)
 * @param maxRooms rooms held at once (default 10 000); a join that would open one more gets {@code too-many-rooms}
 * @param maxMessageBytes largest text frame a socket may send (default 64 KiB; an SDP is ~5-10 KiB)
 * @param pingIntervalMs the server pings each socket this often (default 10 s)
 * @param deadAfterMs a socket silent this long (no pong, no message) is closed and its {@code leave}
 *     sent (default 25 s, so a half-open socket is found within 30 s)
 * @param messagesPerSecond sustained requests per socket (default 20, burst 2x); beyond: {@code rate-limited}
 * @param token when set, a socket must give it ({@code ?token=} on the URL or {@code token} in join)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SignalingSettings(Integer roomCapacity, Integer maxRooms, Integer maxMessageBytes, Long pingIntervalMs,
    Long deadAfterMs, Integer messagesPerSecond, String token) {

  public static final SignalingSettings DEFAULT = new SignalingSettings(null, null, null, null, null, null, null);

  public SignalingSettings {
    if (roomCapacity != null && (roomCapacity < 1 || roomCapacity > 1000)) {
      throw new IllegalArgumentException("signaling roomCapacity " + roomCapacity + " out of range 1..1000");
    }
    if (maxMessageBytes != null && (maxMessageBytes < 1024 || maxMessageBytes > 1 << 20)) {
      throw new IllegalArgumentException("signaling maxMessageBytes " + maxMessageBytes + " out of range 1024..1048576");
    }
  }

  public int capacity() {
    return roomCapacity == null ? 2 : roomCapacity;
  }

  public int roomLimit() {
    return maxRooms == null ? 10_000 : maxRooms;
  }

  public int messageLimit() {
    return maxMessageBytes == null ? 64 * 1024 : maxMessageBytes;
  }

  public Duration pingInterval() {
    return Duration.ofMillis(pingIntervalMs == null ? 10_000 : pingIntervalMs);
  }

  public Duration deadAfter() {
    return Duration.ofMillis(deadAfterMs == null ? 25_000 : deadAfterMs);
  }

  public int rate() {
    return messagesPerSecond == null ? 20 : messagesPerSecond;
  }

  public SignalingSettings withRoomCapacity(int n) {
    return new SignalingSettings(n, maxRooms, maxMessageBytes, pingIntervalMs, deadAfterMs, messagesPerSecond, token);
  }

  public SignalingSettings withMaxRooms(int n) {
    return new SignalingSettings(roomCapacity, n, maxMessageBytes, pingIntervalMs, deadAfterMs, messagesPerSecond, token);
  }

  public SignalingSettings withKeepalive(long pingMs, long deadMs) {
    return new SignalingSettings(roomCapacity, maxRooms, maxMessageBytes, pingMs, deadMs, messagesPerSecond, token);
  }

  public SignalingSettings withRate(int perSecond) {
    return new SignalingSettings(roomCapacity, maxRooms, maxMessageBytes, pingIntervalMs, deadAfterMs, perSecond, token);
  }

  public SignalingSettings withToken(String t) {
    return new SignalingSettings(roomCapacity, maxRooms, maxMessageBytes, pingIntervalMs, deadAfterMs, messagesPerSecond, t);
  }

  @Override
  public String toString() { // the token is a secret
    return "SignalingSettings[capacity=" + capacity() + ", maxRooms=" + roomLimit() + ", maxMessageBytes=" + messageLimit()
        + ", ping=" + pingInterval() + ", deadAfter=" + deadAfter() + ", rate=" + rate() + ", token=" + (token != null ? "set" : "none") + "]";
  }
}
