package studio.tally.output;

/**
 * What the WHIP server reports about the path (RTCP), for the status line and dynamic bitrate.
 *
 * @param lossFraction fraction lost from its last receiver report, 0..1
 * @param rembBps its REMB estimate in bit/s, -1 when it sends none
 * @param nacks NACK packets received
 * @param retransmitted packets sent again for them
 * @param keyframeRequests PLI/FIR passed to the encoder
 */
public record WhipFeedback(double lossFraction, long rembBps, long nacks, long retransmitted, long keyframeRequests) {}
