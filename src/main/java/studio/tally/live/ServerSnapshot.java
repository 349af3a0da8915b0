package studio.tally.live;

import java.util.List;

/**
 * The embedded server as the Server panel shows it, read from its status API about once a second.
 *
 * @param state OFF, STARTING, RUNNING or FAILED (as in {@link StudioStatus#server()})
 * @param message what to say when it is not running ("the embedded server is off: …"), or why the last
 *     read of its API failed; null when all is well
 * @param listeners where it listens (HOST:PORT), every listener serves every protocol
 * @param rtmpListen the listener publishers should use for RTMP(S) (the first)
 * @param httpListen the listener players and WebRTC should use (the second when there are two)
 * @param tlsFingerprint SHA-256 of the server's TLS certificate (colon-separated hex), for RTMPS/HTTPS/WSS pins
 * @param streams the live streams, as {@code /api/v1/streams} lists them
 * @param clients publishers and players, as {@code /api/v1/clients} lists them
 */
public record ServerSnapshot(ServerStatus.State state, String message, List<String> listeners, String rtmpListen,
    String httpListen, String tlsFingerprint, List<Stream> streams, List<Client> clients) {

  public ServerSnapshot {
    listeners = List.copyOf(listeners);
    streams = List.copyOf(streams);
    clients = List.copyOf(clients);
  }

  /**
   * One stream.
   *
   * @param id the API's id
   * @param publisher the publisher's type in SRS's words ("fmle-publish" for RTMP, "rtc-publish" for WHIP), "" without one
   * @param clients the publisher and the players
   * @param video e.g. "H264 1280x720", "" when none (yet)
   * @param audio e.g. "AAC 48000 Hz", "" when none
   */
  public record Stream(String id, String app, String name, String publisher, int clients, long recvKbps, long sendKbps,
      String video, String audio) {
    /** {@code app/name}. */
    public String path() {
      return app + "/" + name;
    }
  }

  /**
   * One connection.
   *
   * @param id the API's id, what a kick names
   * @param stream {@code app/name}
   * @param type SRS's words: "fmle-publish" (RTMP), "rtmp-play", "flv-play", "rtc-publish", "rtc-play"
   * @param aliveSeconds since it connected
   */
  public record Client(String id, String stream, String ip, String type, boolean publish, double aliveSeconds,
      long recvKbps, long sendKbps) {}

  /** The snapshot of a server that does not run, saying so. */
  static ServerSnapshot notRunning(ServerStatus status) {
    String message = switch (status.state()) {
      case OFF -> "The embedded server is off: turn it on in Settings to publish to and play from this machine.";
      case STARTING -> "The embedded server is starting…";
      case FAILED -> "The embedded server is not running: " + status.problem();
      case RUNNING -> "The embedded server is running.";
    };
    return new ServerSnapshot(status.state(), message, List.of(), null, null, null, List.of(), List.of());
  }
}
