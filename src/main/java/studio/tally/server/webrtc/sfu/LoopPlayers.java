package studio.tally.server.webrtc.sfu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;
import studio.tally.proto.rtp.RtpPacket;
import studio.tally.proto.rtp.SenderReport;
import studio.tally.server.webrtc.sdp.Negotiated;

/**
 * The connected players of one {@link RtcStream} that live on one event loop. The source hands each
 * packet to every such group once: inline when the group's loop is the source's own, else as one
 * task on that loop carrying one copy of the packet shared (reference-counted) by every remote group;
 * the group's loop then rewrites, encrypts and sends it for its players. The player array is read and
 * written on the group's loop only (players join on connect and leave on close, both there), so the
 * fan-out takes no lock; {@link #players} is the one field other threads read, to skip empty groups.
 */
final class LoopPlayers {
  final EventLoop loop;
  // event loop only
  private RtcSubscriberSession[] members = new RtcSubscriberSession[0];
  /** How many players are in {@link #members}: written on the loop, read by the source's thread. */
  private volatile int players;

  LoopPlayers(EventLoop loop) {
    this.loop = loop;
  }

  int players() {
    return players;
  }

  /** On {@link #loop}: a player connected. */
  void join(RtcSubscriberSession s) {
    RtcSubscriberSession[] a = Arrays.copyOf(members, members.length + 1);
    a[a.length - 1] = s;
    members = a;
    players = a.length;
  }

  /** On {@link #loop}: a player closed (no-op if it never joined). */
  void leave(RtcSubscriberSession s) {
    for (int i = 0; i < members.length; i++) {
      if (members[i] == s) {
        RtcSubscriberSession[] a = new RtcSubscriberSession[members.length - 1];
        System.arraycopy(members, 0, a, 0, i);
        System.arraycopy(members, i + 1, a, i, a.length - i);
        members = a;
        players = a.length;
        return;
      }
    }
  }

  /** On {@link #loop}: one source packet to every player here. */
  void forward(Negotiated.Kind kind, ByteBuf packet, RtpPacket p, boolean keyframeStart, Instant now) {
    for (RtcSubscriberSession s : members) {
      s.forward(kind, packet, p, keyframeStart, now);
    }
  }

  /** On {@link #loop}: the source's sender report for {@code kind}. */
  void sourceReport(Negotiated.Kind kind, SenderReport sr, Instant now) {
    for (RtcSubscriberSession s : members) {
      s.onSourceReport(kind, sr, now);
    }
  }

  /**
   * Hands one packet to every group with players: inline for a group on the calling thread's loop,
   * else one task per group sharing one copy ({@code packet} itself is not consumed and may be reused
   * by the caller as soon as this returns).
   */
  static void fanOut(LoopPlayers[] groups, ByteBufAllocator alloc, Negotiated.Kind kind, ByteBuf packet, RtpPacket p,
      boolean keyframeStart, Instant now) {
    ByteBuf shared = null;
    for (LoopPlayers g : groups) {
      if (g.players == 0) {
        continue;
      }
      if (g.loop.inEventLoop()) {
        g.forward(kind, packet, p, keyframeStart, now);
        continue;
      }
      if (shared == null) {
        int n = packet.readableBytes();
        shared = alloc.heapBuffer(n, n).writeBytes(packet, packet.readerIndex(), n);
      }
      ByteBuf mine = shared.retainedDuplicate();
      try {
        g.loop.execute(() -> {
          try {
            g.forward(kind, mine, p, keyframeStart, now);
          } finally {
            mine.release();
          }
        });
      } catch (RejectedExecutionException e) {
        mine.release(); // shutting down
      }
    }
    if (shared != null) {
      shared.release();
    }
  }

  /** The source's sender report to every group with players, on each group's loop. */
  static void sourceReport(LoopPlayers[] groups, Negotiated.Kind kind, SenderReport sr, Instant now) {
    for (LoopPlayers g : groups) {
      if (g.players == 0) {
        continue;
      }
      if (g.loop.inEventLoop()) {
        g.sourceReport(kind, sr, now);
      } else {
        try {
          g.loop.execute(() -> g.sourceReport(kind, sr, now));
        } catch (RejectedExecutionException e) {
          // shutting down
        }
      }
    }
  }

  /**
   * A cached GOP to the players that wait for a keyframe now, on each group's loop: every packet in
   * order to the players that were waiting when the group's task began ({@code packets} are not consumed).
   */
  static void replay(LoopPlayers[] groups, ByteBufAllocator alloc, List<RtpFeed.Packet> packets, Instant now) {
    List<RtpFeed.Packet> shared = null;
    for (LoopPlayers g : groups) {
      if (g.players == 0) {
        continue;
      }
      if (g.loop.inEventLoop()) {
        g.replay(packets, now);
        continue;
      }
      if (shared == null) {
        shared = new ArrayList<>(packets.size());
        for (RtpFeed.Packet k : packets) {
          int n = k.bytes().readableBytes();
          shared.add(new RtpFeed.Packet(k.kind(), alloc.heapBuffer(n, n).writeBytes(k.bytes(), k.bytes().readerIndex(), n),
              k.keyframeStart()));
        }
      }
      List<RtpFeed.Packet> mine = new ArrayList<>(shared.size());
      for (RtpFeed.Packet k : shared) {
        mine.add(new RtpFeed.Packet(k.kind(), k.bytes().retainedDuplicate(), k.keyframeStart()));
      }
      try {
        g.loop.execute(() -> {
          try {
            g.replay(mine, now);
          } finally {
            mine.forEach(k -> k.bytes().release());
          }
        });
      } catch (RejectedExecutionException e) {
        mine.forEach(k -> k.bytes().release());
      }
    }
    if (shared != null) {
      shared.forEach(k -> k.bytes().release());
    }
  }

  /** On {@link #loop}: {@code packets} in order to the players waiting for a keyframe now. */
  private void replay(List<RtpFeed.Packet> packets, Instant now) {
    List<RtcSubscriberSession> waiting = new ArrayList<>();
    for (RtcSubscriberSession s : members) {
      if (s.waitingForKeyframe()) {
        waiting.add(s);
      }
    }
    for (RtpFeed.Packet k : packets) {
      RtpPacket p = RtpPacket.parse(k.bytes());
      for (RtcSubscriberSession s : waiting) {
        s.forward(k.kind(), k.bytes(), p, k.keyframeStart(), now);
      }
    }
  }
}
