package studio.tally.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.List;

/** Records a transport's events; checks that every callback runs on the transport's event loop. */
final class RecordingListener implements RtcTransport.Listener {
  final CompletableFuture<RtcTransport> connected = new CompletableFuture<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
  final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
  final List<String> offLoop = new CopyOnWriteArrayList<>();
  final java.util.concurrent.atomic.AtomicInteger closeCalls = new java.util.concurrent.atomic.AtomicInteger();

  private void onLoop(RtcTransport t, String what) {
    if (!t.eventLoop().inEventLoop()) {
      offLoop.add(what + " on " + Thread.currentThread().getName());
    }
  }

  @Override
  public void onConnected(RtcTransport t) {
    onLoop(t, "onConnected");
    connected.complete(t);
  }

  @Override
  public void onRtp(RtcTransport t, ByteBuf packet) {
    onLoop(t, "onRtp");
    rtp.add(ByteBufUtil.getBytes(packet));
  }

  @Override
  public void onRtcp(RtcTransport t, ByteBuf packet) {
    onLoop(t, "onRtcp");
    rtcp.add(ByteBufUtil.getBytes(packet));
  }

  @Override
  public void onClosed(RtcTransport t, String reason) {
    onLoop(t, "onClosed");
    closeCalls.incrementAndGet();
    closed.complete(reason);
  }
}
