package studio.tally.server.webrtc.sfu;

import java.util.ArrayList;
import java.util.List;
import studio.tally.proto.rtp.ReceiverReport;
import studio.tally.proto.rtp.ReportBlock;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * A publisher's reception statistics, one {@link ReceptionStats} per kind for its current SSRC, and the
 * receiver report made of them (RFC 3550 §6.4.2). One thread (the publisher's transport loop).
 */
final class ReceiverReports {
  private final int audioClockRate;
  private final int videoClockRate;
  private ReceptionStats audio;
  private ReceptionStats video;

  ReceiverReports(Negotiated negotiated) {
    this.audioClockRate = negotiated.audio().map(m -> m.codec().clockRate()).orElse(48000);
    this.videoClockRate = negotiated.video().map(m -> m.codec().clockRate()).orElse(90000);
  }

  /** The statistics of {@code ssrc} as this kind's source; a new SSRC starts afresh. */
  ReceptionStats of(Negotiated.Kind kind, int ssrc) {
    if (kind == Negotiated.Kind.AUDIO) {
      if (audio == null || audio.ssrc() != ssrc) {
        audio = new ReceptionStats(ssrc, audioClockRate);
      }
      return audio;
    }
    if (video == null || video.ssrc() != ssrc) {
      video = new ReceptionStats(ssrc, videoClockRate);
    }
    return video;
  }

  /** A sender report of one of our sources: echoed as LSR in the next report. */
  void senderReport(int ssrc, long compactNtp, long nowMicros) {
    for (ReceptionStats rx : new ReceptionStats[] {audio, video}) {
      if (rx != null && rx.ssrc() == ssrc) {
        rx.senderReport(compactNtp, nowMicros);
      }
    }
  }

  /** The report with a block per source that sent anything, or null when none did. */
  ReceiverReport report(int senderSsrc, long nowMicros) {
    List<ReportBlock> blocks = new ArrayList<>(2);
    for (ReceptionStats rx : new ReceptionStats[] {audio, video}) {
      if (rx != null && rx.hasPackets()) {
        blocks.add(rx.report(nowMicros));
      }
    }
    return blocks.isEmpty() ? null : new ReceiverReport(senderSsrc, blocks);
  }
}
