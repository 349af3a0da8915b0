package studio.tally.play;

import java.util.List;

/**
 * One URL's outcome: its figures, and a verdict with reasons that say which expectation failed and
 * by how much, or why the stream could not be played.
 */
public record ProbeResult(String url, Status status, List<String> reasons, QaReport report, PlayFailure failure) {

  public enum Status {
    /** Played and met every expectation. */
    PASS,
    /** Played but failed an expectation (or ended early). */
    FAIL,
    /** Could not be played at all: refused, not found, TLS untrusted, bad stream, no picture. */
    NO_CONNECT;

    /** The process exit code this status stands for (0, 1, 2). */
    public int exitCode() {
      return ordinal();
    }
  }

  public ProbeResult {
    reasons = List.copyOf(reasons);
  }

  /** The exit code of several results: 2 if any could not be played, else 1 if any failed, else 0. */
  public static int exitCode(List<ProbeResult> results) {
    int code = 0;
    for (ProbeResult r : results) code = Math.max(code, r.status().exitCode());
    return code;
  }
}
