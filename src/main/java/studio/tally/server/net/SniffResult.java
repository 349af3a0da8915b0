package studio.tally.server.net;

/** The verdict on the bytes seen so far: a protocol, "need more bytes", or "not ours". */
public sealed interface SniffResult {
  record Match(Protocol protocol) implements SniffResult {}

  record NeedMore() implements SniffResult {}

  record Reject(String reason) implements SniffResult {}

  NeedMore NEED_MORE = new NeedMore();
}
