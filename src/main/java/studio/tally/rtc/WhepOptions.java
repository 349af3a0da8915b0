package studio.tally.rtc;

import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import java.util.List;

/**
 * How a {@link WhepPlayer} gathers candidates.
 *
 * @param iceTcpOnly no UDP candidates: media only over ICE-TCP (RFC 6544/4571), e.g. the server's HTTP
 *     port when UDP is blocked
 */
public record WhepOptions(boolean iceTcpOnly) {

  public static WhepOptions defaults() {
    return new WhepOptions(false);
  }

  /**
   * The player's configuration. libwebrtc's network manager ignores loopback interfaces (Chromium lifts
   * that with --allow-loopback-in-peer-connection; webrtc-java 0.14 exposes no network ignore mask), so a
   * player of a server on 127.0.0.1 would have no candidate pair. PORTALLOCATOR_ENABLE_ANY_ADDRESS_PORTS
   * adds ports bound to the wildcard address beside the per-interface ones: from those, connectivity
   * checks reach 127.0.0.1, and an ICE-lite server learns our address as peer-reflexive from them.
   */
  RTCConfiguration configuration(List<RTCIceServer> iceServers) {
    RTCConfiguration c = RtcFactory.configuration();
    int flags = PortAllocatorConfig.PORTALLOCATOR_ENABLE_ANY_ADDRESS_PORTS;
    if (iceTcpOnly) flags |= PortAllocatorConfig.PORTALLOCATOR_DISABLE_UDP;
    c.portAllocatorConfig = new PortAllocatorConfig(0, 0, flags);
    c.iceServers.addAll(iceServers);
    return c;
  }
}
