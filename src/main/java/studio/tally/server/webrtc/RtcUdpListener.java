package studio.tally.server.webrtc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP socket of the WebRTC server: every datagram becomes an {@link RtcPath.Udp} for its
 * source address and goes to {@link WebRtcTransportServer#onPacket}, which demultiplexes it (RFC 7983).
 */
final class RtcUdpListener extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(RtcUdpListener.class);

  private final WebRtcTransportServer server;

  RtcUdpListener(WebRtcTransportServer server) {
    super(true); // the datagram is released after channelRead0; onPacket retains what it keeps
    this.server = server;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    server.onPacket(packet.content(), new RtcPath.Udp(ctx.channel(), packet.sender()));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // e.g. ICMP port unreachable surfacing as PortUnreachableException: the socket stays open
    log.debug("webrtc udp: {}", cause.toString());
  }
}
