package studio.tally.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolSnifferTest {
  private final ProtocolSniffer all = new ProtocolSniffer(EnumSet.allOf(Protocol.class));
  private final ProtocolSniffer insideTls = new ProtocolSniffer(EnumSet.of(Protocol.RTMP, Protocol.HTTP));

  private static SniffResult classify(ProtocolSniffer s, int... ints) {
    byte[] bytes = new byte[ints.length];
    for (int i = 0; i < ints.length; i++) {
      bytes[i] = (byte) ints[i];
    }
    return classify(s, bytes);
  }

  private static SniffResult classify(ProtocolSniffer s, byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      SniffResult r = s.classify(b);
      assertThat(b.readerIndex()).as("sniffing never consumes").isZero();
      return r;
    } finally {
      b.release();
    }
  }

  @Test
  void tlsClientHello() {
    assertThat(classify(all, 0x16, 0x03, 0x01, 0x02, 0x00)).isEqualTo(new SniffResult.Match(Protocol.TLS));
    assertThat(classify(all, 0x16)).isEqualTo(SniffResult.NEED_MORE);
    assertThat(classify(all, 0x16, 0x01)).isInstanceOf(SniffResult.Reject.class);
  }

  @Test
  void tlsInsideTlsIsRejected() {
    assertThat(classify(insideTls, 0x16, 0x03, 0x01)).isInstanceOf(SniffResult.Reject.class);
  }

  @Test
  void rtmpC0() {
    assertThat(classify(all, 0x03)).isEqualTo(new SniffResult.Match(Protocol.RTMP));
    assertThat(classify(insideTls, 0x03, 0x00)).isEqualTo(new SniffResult.Match(Protocol.RTMP));
  }

  @Test
  void rtmpeIsRefusedWithAReason() {
    assertThat(classify(all, 0x06)).isEqualTo(new SniffResult.Reject("encrypted RTMP (RTMPE) is not supported"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1", "POST /rtc", "PUT /x", "HEAD /", "DELETE /api", "OPTIONS *", "PATCH /w"})
  void httpMethods(String line) {
    assertThat(classify(all, line.getBytes(StandardCharsets.US_ASCII))).isEqualTo(new SniffResult.Match(Protocol.HTTP));
  }

  @Test
  void httpPrefixWaitsForMoreThenDecides() {
    assertThat(classify(all, "GE".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SniffResult.NEED_MORE);
    assertThat(classify(all, "GET".getBytes(StandardCharsets.US_ASCII))).isEqualTo(SniffResult.NEED_MORE);
    assertThat(classify(all, "GETX".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(SniffResult.Reject.class);
    assertThat(classify(all, "get / HTTP/1.1".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(SniffResult.Reject.class);
  }

  @Test
  void stunOverRfc4571() {
    // length 0x0064, Binding Request 0x0001, length 0x0050, magic cookie
    int[] frame = {0x00, 0x64, 0x00, 0x01, 0x00, 0x50, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3};
    assertThat(classify(all, frame)).isEqualTo(new SniffResult.Match(Protocol.STUN_TCP));
    assertThat(classify(all, 0x00, 0x64, 0x00, 0x01)).isEqualTo(SniffResult.NEED_MORE);
    assertThat(classify(all, 0x00, 0x64, 0x00, 0x02)).isInstanceOf(SniffResult.Reject.class);
  }

  @Test
  void unknownBytesAreRejectedWithTheirHex() {
    SniffResult r = classify(all, 0xFF, 0x00, 0x13);
    assertThat(r).isInstanceOf(SniffResult.Reject.class);
    assertThat(((SniffResult.Reject) r).reason()).contains("ff 00 13");
  }

  @Test
  void neverNeedsMoreThanTheMaximumPrefix() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = new byte[ProtocolSniffer.MAX_PREFIX];
      random.nextBytes(b);
      assertThat(classify(all, b)).isNotEqualTo(SniffResult.NEED_MORE);
    }
  }
}
