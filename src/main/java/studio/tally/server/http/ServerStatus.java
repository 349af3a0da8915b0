package studio.tally.server.http;

import java.time.Instant;

/** Identity and health of the running server, as the status API reports them. */
public interface ServerStatus {
  /** SRS's {@code server} field: this server instance's id. */
  String serverId();

  /** SRS's {@code service} field: changes on every start. */
  String serviceId();

  String version();

  Instant startedAt();

  /** Extra counters (connections sniffed, rejected, timed out...) shown under {@code data.tally}. */
  java.util.Map<String, Long> counters();
}
