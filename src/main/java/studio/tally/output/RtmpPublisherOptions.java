package studio.tally.output;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;

/**
 * Settings of one RTMP destination.
 *
 * @param tlsFingerprint  rtmps: SHA-256 of the server's leaf certificate (hex, colons optional, any case);
 *                        when set, exactly that certificate is accepted, whoever signed it
 * @param insecureTls     rtmps: accept any certificate (logged once as a warning)
 * @param reconnect       when to try again after a lost or refused connection
 * @param queue           send queue bounds and drop levels
 * @param connectTimeout  TCP connect
 * @param publishTimeout  from TCP connected until NetStream.Publish.Start
 * @param pingInterval    RTT probes (ping requests) while live; zero disables them
 * @param eventLoopGroup  a group to share; null = the publisher runs its own one-thread group
 */
public record RtmpPublisherOptions(String tlsFingerprint, boolean insecureTls, ReconnectPolicy reconnect,
    SendQueueLimits queue, Duration connectTimeout, Duration publishTimeout, Duration pingInterval,
    EventLoopGroup eventLoopGroup) {

  public static RtmpPublisherOptions defaults() {
    return new RtmpPublisherOptions(null, false, ReconnectPolicy.DEFAULT, SendQueueLimits.DEFAULT,
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5), null);
  }

  public RtmpPublisherOptions withTlsFingerprint(String fp) {
    if (fp != null && !fp.isBlank()) TlsTrust.parseFingerprint(fp); // fail early with a clear message
    return new RtmpPublisherOptions(fp, insecureTls, reconnect, queue, connectTimeout, publishTimeout, pingInterval, eventLoopGroup);
  }

  public RtmpPublisherOptions withInsecureTls(boolean insecure) {
    return new RtmpPublisherOptions(tlsFingerprint, insecure, reconnect, queue, connectTimeout, publishTimeout, pingInterval, eventLoopGroup);
  }

  public RtmpPublisherOptions withReconnect(ReconnectPolicy r) {
    return new RtmpPublisherOptions(tlsFingerprint, insecureTls, r, queue, connectTimeout, publishTimeout, pingInterval, eventLoopGroup);
  }

  public RtmpPublisherOptions withQueue(SendQueueLimits q) {
    return new RtmpPublisherOptions(tlsFingerprint, insecureTls, reconnect, q, connectTimeout, publishTimeout, pingInterval, eventLoopGroup);
  }

  public RtmpPublisherOptions withPingInterval(Duration d) {
    return new RtmpPublisherOptions(tlsFingerprint, insecureTls, reconnect, queue, connectTimeout, publishTimeout, d, eventLoopGroup);
  }

  public RtmpPublisherOptions withPublishTimeout(Duration d) {
    return new RtmpPublisherOptions(tlsFingerprint, insecureTls, reconnect, queue, connectTimeout, d, pingInterval, eventLoopGroup);
  }

  public RtmpPublisherOptions withEventLoopGroup(EventLoopGroup g) {
    return new RtmpPublisherOptions(tlsFingerprint, insecureTls, reconnect, queue, connectTimeout, publishTimeout, pingInterval, g);
  }

  /** Runs the publisher on shared loops (closed by their owner, not by the publisher). */
  public RtmpPublisherOptions withLoops(OutputLoops loops) {
    return withEventLoopGroup(loops.group());
  }
}
