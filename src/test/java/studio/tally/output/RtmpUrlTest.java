package studio.tally.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RtmpUrlTest {

  @Test
  void splitsAppAndKeyAndDefaultsPorts() {
    var u = RtmpUrl.parse("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl");
    assertThat(u).isEqualTo(new RtmpUrl(false, "a.rtmp.youtube.com", 1935, "live2", "abcd-efgh-ijkl"));
    assertThat(u.tcUrl()).isEqualTo("rtmp://a.rtmp.youtube.com:1935/live2");

    var s = RtmpUrl.parse("RTMPS://live-api-s.facebook.com/rtmp/FB-123-0-Ab?s_bl=1&s_sw=0");
    assertThat(s.tls()).isTrue();
    assertThat(s.port()).isEqualTo(443);
    assertThat(s.app()).isEqualTo("rtmp");
    assertThat(s.streamKey()).isEqualTo("FB-123-0-Ab?s_bl=1&s_sw=0");

    var deep = RtmpUrl.parse("rtmp://[::1]:1936/app/inst/key/");
    assertThat(deep).isEqualTo(new RtmpUrl(false, "::1", 1936, "app/inst", "key"));
    assertThat(deep.tcUrl()).isEqualTo("rtmp://[::1]:1936/app/inst");

    assertThat(RtmpUrl.parse("rtmp://host/live", "secretkey")).isEqualTo(new RtmpUrl(false, "host", 1935, "live", "secretkey"));
  }

  @Test
  void neverShowsTheKey() {
    var u = RtmpUrl.parse("rtmp://host:1935/live/live_123456_abcdef");
    assertThat(u.toString()).isEqualTo("rtmp://host:1935/live/liv…").doesNotContain("123456");
    assertThat(u.maskedKey()).isEqualTo("liv…");
    assertThat(RtmpUrl.parse("rtmp://h/a/ab").maskedKey()).isEqualTo("…");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                              | empty URL",
      "host/live/key                   | not a URL (no scheme://)",
      "http://host/live/key            | unsupported scheme 'http' (want rtmp or rtmps)",
      "srt://host:9000/live/key        | unsupported scheme 'srt'",
      "rtmp:///live/key                | missing host",
      "rtmp://host:99999/live/key      | port 99999 out of range 1..65535",
      "rtmp://host:abc/live/key        | invalid port 'abc'",
      "rtmp://host                     | missing app and stream key",
      "rtmp://host/live                | missing app or stream key",
      "rtmp://host/live/               | missing app or stream key",
      "rtmp://user:pw@host/live/key    | user info in the URL is not supported",
      "rtmp://ho st/live/key           | invalid host 'ho st'",
      "rtmp://[::1/live/key            | unclosed '[' in IPv6 host",
  })
  void badUrlsSayWhatIsWrong(String url, String message) {
    assertThatThrownBy(() -> RtmpUrl.parse(url)).isInstanceOf(RtmpUrl.InvalidRtmpUrlException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void separateKeyMustBeThere() {
    assertThatThrownBy(() -> RtmpUrl.parse("rtmp://host/live", " ")).hasMessage("missing stream key");
  }
}
