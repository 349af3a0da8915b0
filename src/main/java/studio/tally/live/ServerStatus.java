package studio.tally.live;

import java.util.List;

/**
 * The embedded server.
 *
 * @param addresses where it listens (HOST:PORT), empty unless RUNNING
 * @param problem for FAILED: e.g. "port 1935 is in use"
 * @param suggestedListen for FAILED by a busy port: the listen list with free ports in place of the
 *     busy ones, ready for {@code ServerSettings.withListen}; empty otherwise
 * @param playUrl for RUNNING: where the local destination's stream plays (HTTP-FLV), else null
 */
public record ServerStatus(State state, List<String> addresses, String problem, List<String> suggestedListen,
    String playUrl) {

  public enum State { OFF, STARTING, RUNNING, FAILED }

  public ServerStatus {
    addresses = List.copyOf(addresses);
    suggestedListen = List.copyOf(suggestedListen);
  }

  public static final ServerStatus OFF = new ServerStatus(State.OFF, List.of(), null, List.of(), null);
}
