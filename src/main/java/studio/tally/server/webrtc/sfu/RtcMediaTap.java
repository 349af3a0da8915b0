package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * What a reader other than a WebRTC player (the bridge to FLV) sees of a stream's publisher: its
 * decrypted RTP (RTX unwrapped, duplicates dropped) and its Sender Reports. Set on a stream only
 * while such a reader exists ({@link RtcStream#tap}), so forwarding to WebRTC players pays one null
 * check otherwise. Called on the publisher's event loop: copy what you keep and return at once.
 */
public interface RtcMediaTap {

  /** One media packet; {@code packet} and {@code header} are valid only during the call. */
  void onRtp(RtcPublisherSession from, Negotiated.Kind kind, ByteBuf packet, RtpPacket header, long arrivalMicros);

  /** A Sender Report for one of the publisher's tracks. */
  void onSenderReport(RtcPublisherSession from, Negotiated.Kind kind, SenderReport sr, long arrivalMicros);

  /** Told when a stream gets or loses its publisher ({@link RtcStreamRegistry#observePublishers}); keep it quick. */
  interface PublisherObserver {
    void published(RtcStream stream, RtcPublisherSession publisher);

    void unpublished(RtcStream stream, RtcPublisherSession publisher);
  }
}
