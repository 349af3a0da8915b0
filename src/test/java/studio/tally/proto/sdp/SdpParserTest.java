package studio.tally.proto.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Structure errors name the line and the field; unknown lines of known types are kept. */
class SdpParserTest {
  private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  private static final String AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
      + "a=rtpmap:111 opus/48000/2\r\n";

  private static SdpException fail(String sdp) {
    return assertThrows(SdpException.class, () -> SessionDescription.parse(sdp));
  }

  private static void fails(String sdp, int line, String message) {
    SdpException e = fail(sdp);
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(message, e.getMessage());
  }

  @Test
  void minimalDescriptions() {
    SessionDescription d = SessionDescription.parse(HEAD + AUDIO);
    assertEquals(HEAD + AUDIO, d.encode());
    SessionDescription noMedia = SessionDescription.parse(HEAD);
    assertEquals(List.of(), noMedia.media());
  }

  @Test
  void badDescriptions() {
    fails("", 1, "sdp: line 1 (v=): empty description");
    fails("o=- 1 2 IN IP4 127.0.0.1\r\n", 1, "sdp: line 1 (v=): missing; got 'o=- 1 2 IN IP4 127.0.0.1'");
    fails("v=1\r\n", 1, "sdp: line 1 (v=): version '1', expected 0");
    fails("v=0\r\ns=-\r\n", 2, "sdp: line 2 (o=): missing; got 's=-'");
    fails("v=0\r\no=- 1 2 IN IP4\r\n", 2, "sdp: line 2 (o=): expected 6 fields, got 5");
    fails("v=0\r\no=- x 2 IN IP4 1.2.3.4\r\n", 2, "sdp: line 2 (o= sess-id): not a number: 'x'");
    fails("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\n", 2, "sdp: line 2 (s=): missing");
    fails(HEAD + "hello world\r\n", 5, "sdp: line 5 (line): not a known <type>=<value> line: 'hello world'");
    fails(HEAD + "x=1\r\n", 5, "sdp: line 5 (line): not a known <type>=<value> line: 'x=1'");
    fails(HEAD + "a=foo\rbar\r\n", 5, "sdp: line 5 (line): CR or NUL inside a line");
    fails("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" + AUDIO, 4, "sdp: line 4 (t=): missing before the first m=");
    fails(HEAD + "m=audio abc UDP/TLS/RTP/SAVPF 111\r\n", 5, "sdp: line 5 (m= port): not a number: 'abc'");
    fails(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5,
        "sdp: line 5 (m=): expected <media> <port> <proto> <fmt> ..., got 'audio 9 UDP/TLS/RTP/SAVPF'");
    fails(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n", 5, "sdp: line 5 (m= fmt): not a number: 'opus'");
    fails(HEAD + "m=audio 70000 RTP/AVP 0\r\n", 5, "sdp: line 5 (m= port): 70000 above 65535");
    fails(HEAD + AUDIO + "a=rtpmap:96 VP8\r\n", 9,
        "sdp: line 9 (a=rtpmap clock rate): expected <encoding>/<clock rate>[/<channels>], got 'VP8'");
    fails(HEAD + AUDIO + "a=rtpmap:96 VP8/fast\r\n", 9, "sdp: line 9 (a=rtpmap clock rate): not a number: 'fast'");
    fails(HEAD + AUDIO + "a=rtpmap:200 VP8/90000\r\n", 9, "sdp: line 9 (a=rtpmap payload type): 200 above 127");
    fails(HEAD + AUDIO + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n", 10, "sdp: line 10 (a=mid): duplicate mid '0'");
    fails(HEAD + AUDIO + "t=0 0\r\n", 9, "sdp: line 9 (t=): not allowed in a media section");
    fails(HEAD + "c=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\n", 6, "sdp: line 6 (c=): appears twice");
    fails(HEAD + "a=setup:maybe\r\n", 5, "sdp: line 5 (a=setup): expected active, passive, actpass or holdconn, got 'maybe'");
    fails(HEAD + "a=fingerprint:sha-256 GG:00\r\n", 5, "sdp: line 5 (a=fingerprint): not colon-separated hex pairs: 'GG:00'");
    fails(HEAD + "a=candidate:1 1 udp 1 1.2.3.4 99999 typ host\r\n", 5, "sdp: line 5 (a=candidate port): 99999 above 65535");
    fails(HEAD + "a=candidate:1 1 udp 1 1.2.3.4 9 host\r\n", 5, "sdp: line 5 (a=candidate): expected <foundation> "
        + "<component> <transport> <priority> <address> <port> typ <type>, got '1 1 udp 1 1.2.3.4 9 host'");
    fails(HEAD + "a=extmap:15 urn:x\r\n", 5, "sdp: line 5 (a=extmap id): 15 outside 1..14, 16..255");
    fails(HEAD + "a=ssrc:4294967296 cname:x\r\n", 5, "sdp: line 5 (a=ssrc id): 4294967296 above 4294967295");
    fails(HEAD + "a=b c:d\r\n", 5, "sdp: line 5 (a= name): not a token: 'b c'");
    fails(HEAD + "b=AS\r\n", 5, "sdp: line 5 (b=): expected <bwtype>:<bandwidth>, got 'AS'");
  }

  @Test
  void sizeLimits() {
    String junk = "x".repeat(1 << 20);
    fails(junk, 1, "sdp: line 1 (size): description longer than 65536 characters");
    String manyLines = HEAD + "a=x\r\n".repeat(20_000);
    SdpException e = fail(manyLines);
    assertEquals("size", e.field());
    assertTrue(e.line() > 13_000 && e.line() < 13_200, "line " + e.line());
    StringBuilder many = new StringBuilder(HEAD);
    for (int i = 0; i < 201; i++) {
      many.append("m=audio 9 RTP/AVP 0\r\n");
    }
    fails(many.toString(), 205, "sdp: line 205 (m=): more than 200 media sections");
    assertEquals(200, SessionDescription.parse(many.substring(0, many.length() - "m=audio 9 RTP/AVP 0\r\n".length()))
        .media().size());
  }

  private static void fails(String sdp, int line, String message, SdpLimits limits) {
    SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp, limits));
    assertEquals(line, e.line());
    assertEquals(message, e.getMessage());
  }

  @Test
  void customLimits() {
    fails(HEAD + AUDIO, 5, "sdp: line 5 (m=): more than 0 media sections", new SdpLimits(1000, 0));
  }

  @Test
  void rareFieldsRoundTrip() {
    String sdp = "v=0\r\no=alice 2890844526 2890842807 IN IP4 10.47.16.5\r\ns=SDP Seminar\r\n"
        + "i=A Seminar on the session description protocol\r\nu=http://www.example.com/seminars/sdp.pdf\r\n"
        + "e=j.doe@example.com (Jane Doe)\r\np=+1 617 555-6011\r\nc=IN IP4 224.2.17.12/127\r\nb=AS:2000\r\n"
        + "t=2873397496 2873404696\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nk=prompt\r\na=recvonly\r\n"
        + "m=audio 49170/2 RTP/AVP 0\r\ni=voice\r\nc=IN IP4 224.2.17.12/127\r\nb=TIAS:64000\r\nk=prompt\r\n"
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n";
    SessionDescription d = SessionDescription.parse(sdp);
    assertEquals(sdp, d.encode());
    assertEquals(2, d.media().get(0).portCount());
    assertEquals(List.of("7d 1h 0 25h"), d.timings().get(0).repeats());
    assertEquals(5000, d.media().get(1).sctpPort().orElseThrow());
    assertEquals(List.of(), d.media().get(1).codecs());
    assertEquals(Direction.SENDRECV, d.media().get(1).direction());
  }

  @Test
  void spacingIsNormalisedOnStructuredLines() {
    SessionDescription d = SessionDescription.parse("v=0\no=-  1 2 IN IP4 127.0.0.1 \ns=-\nt=0  0\nm=audio 9  RTP/AVP 0 \n");
    assertEquals(HEAD + "m=audio 9 RTP/AVP 0\r\n", d.encode());
  }
}
