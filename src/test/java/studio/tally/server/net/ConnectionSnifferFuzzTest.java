package studio.tally.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Arbitrary bytes, split at arbitrary points, through the real sniffer handler: it decides at most
 * once, never throws, and what it hands over is exactly the bytes it was given.
 */
class ConnectionSnifferFuzzTest {

  /** Stands in for a protocol's pipeline: collects what the sniffer hands over. */
  static final class Sink extends ChannelInboundHandlerAdapter {
    final ByteBuf received = Unpooled.buffer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        received.writeBytes(b);
      }
      ReferenceCountUtil.release(msg);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void sniffArbitraryBytes(FuzzedDataProvider data) {
    EnumSet<Protocol> installed = EnumSet.noneOf(Protocol.class);
    Sink sink = new Sink();
    ProtocolHandlers handlers = new ProtocolHandlers() {
      @Override
      public void install(Protocol protocol, ChannelPipeline pipeline, boolean tls) {
        assertThat(installed).as("decides once").isEmpty();
        installed.add(protocol);
        pipeline.addLast(sink);
      }

      @Override
      public boolean supports(Protocol protocol) {
        return protocol != Protocol.TLS;
      }
    };
    SniffStats stats = new SniffStats();
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionSniffer(handlers, null, Duration.ofSeconds(5), stats));
    byte[] all = data.consumeRemainingAsBytes();
    int at = 0;
    int piece = 1 + (all.length == 0 ? 0 : (all[0] & 0x0F));
    try {
      while (at < all.length && ch.isActive()) {
        int n = Math.min(piece, all.length - at);
        ch.writeInbound(Unpooled.wrappedBuffer(all, at, n));
        at += n;
      }
      if (!installed.isEmpty()) {
        assertThat(sink.received.readableBytes()).as("every byte handed over").isEqualTo(at);
      } else if (!ch.isActive()) {
        assertThat(stats.rejected.sum()).isEqualTo(1);
      }
    } finally {
      ch.finishAndReleaseAll();
      sink.received.release();
    }
  }
}
