package studio.tally.output;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One network thread shared by several destinations (see {@link RtmpPublisherOptions#withLoops}),
 * so that callers above output never touch Netty themselves. Close it after the destinations that use it.
 */
public final class OutputLoops implements AutoCloseable {
  private final EventLoopGroup group;

  private OutputLoops(EventLoopGroup group) {
    this.group = group;
  }

  /** A one-thread group of daemon threads named threadName. */
  public static OutputLoops start(String threadName) {
    return new OutputLoops(
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true), NioIoHandler.newFactory()));
  }

  EventLoopGroup group() {
    return group;
  }

  /** Stops the thread: a 50 ms quiet period, at most 2 s for pending work, waits up to 3 s. */
  @Override
  public void close() {
    group.shutdownGracefully(50, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3000);
  }
}
