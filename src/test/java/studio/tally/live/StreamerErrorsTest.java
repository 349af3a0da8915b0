package studio.tally.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The publisher's reasons (as RtmpPublisher/TlsTrust word them) in a streamer's words. */
class StreamerErrorsTest {
  @Test
  void publisherReasonsBecomeStreamerWords() {
    assertThat(StreamerErrors.destination("stream key rejected: NetStream.Publish.BadName (live/abc…)"))
        .isEqualTo("the server refused the stream key");
    assertThat(StreamerErrors.destination("connect rejected: NetConnection.Connect.Rejected"))
        .isEqualTo("the server refused the stream key");
    assertThat(StreamerErrors.destination("cannot connect to 127.0.0.1:9: Connection refused"))
        .isEqualTo("cannot reach 127.0.0.1:9 (Connection refused)");
    assertThat(StreamerErrors.destination("gave up after 25 retries: cannot connect to live.example:1935: timed out"))
        .isEqualTo("cannot reach live.example:1935 (timed out) (gave up after 25 retries)");
    assertThat(StreamerErrors.destination("certificate not trusted (SHA-256 AB:CD:EF); pin it with --tls-fingerprint or use --insecure-tls (PKIX path building failed)"))
        .isEqualTo("certificate not trusted (SHA-256 AB:CD:EF): pin this fingerprint in the destination, or allow an untrusted certificate")
        .doesNotContain("--");
    assertThat(StreamerErrors.destination("certificate does not match the pinned fingerprint (server SHA-256 AB)"))
        .isEqualTo("certificate does not match the pinned fingerprint (server SHA-256 AB)");
    assertThat(StreamerErrors.destination(null)).isEqualTo("no reason given");
    assertThat(StreamerErrors.destination("connection closed by the server while live")).isEqualTo("connection closed by the server while live");
  }
}
