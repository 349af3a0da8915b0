package studio.tally.server.signaling;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import studio.tally.proto.signaling.Participant;
import studio.tally.proto.signaling.ServerMessage;
import studio.tally.proto.signaling.SignalingError;

/**
 * Every room and who is in it. Sockets live on different event loops, so each operation runs under one
 * lock; it only touches maps and returns what to send, which the caller sends after the lock (a
 * Netty write from another loop is queued, never blocking). Empty rooms are removed at once.
 */
final class RoomRegistry {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A message for one socket. */
  record Delivery(Peer to, ServerMessage message) {}

  /**
   * What an operation produced: the reply to the requester, notifications for the others, and a
   * member's old socket to close because a resume replaced it (or null).
   */
  record Outcome(ServerMessage reply, List<Delivery> notifies, Peer replaced, boolean joined) {
    static Outcome error(String tid, SignalingError e, String message) {
      return new Outcome(new ServerMessage.ErrorReply(tid, e, message), List.of(), null, false);
    }
  }

  private static final class Member {
    final String display;
    final String resume;
    Peer peer;
    boolean publishing;

    Member(String display, Peer peer, String resume) {
      this.display = display;
      this.peer = peer;
      this.resume = resume;
    }

    Participant participant() {
      return new Participant(display, publishing);
    }
  }

  private final int capacity;
  private final int maxRooms;
  private final Map<String, Map<String, Member>> rooms = new LinkedHashMap<>();
  private int members;
  private final AtomicLong roomsFreed = new AtomicLong();

  RoomRegistry(int capacity, int maxRooms) {
    this.capacity = capacity;
    this.maxRooms = maxRooms;
  }

  synchronized Outcome join(Peer peer, String tid, String room, String display, String resume) {
    Map<String, Member> r = rooms.get(room);
    Member existing = r == null ? null : r.get(display);
    if (existing != null) {
      if (existing.peer == peer) { // the same socket joins again: answer with the room as it is
        return new Outcome(joinReply(tid, room, r, existing), List.of(), null, true);
      }
      if (resume == null || !constantTimeEquals(resume, existing.resume)) {
        return Outcome.error(tid, SignalingError.DUPLICATE_DISPLAY,
            "'" + display + "' is already in room '" + room + "' (rejoin from a new socket needs the resume token)");
      }
      // A rejoin after a network switch: the new socket takes over now instead of waiting for the
      // old one to time out. Media must be published again from the new socket.
      Peer old = existing.peer;
      existing.peer = peer;
      existing.publishing = false;
      return new Outcome(joinReply(tid, room, r, existing), notifyOthers(room, r, existing, ServerMessage.JOIN, null, null, null),
          old, true);
    }
    if (r == null) {
      if (rooms.size() >= maxRooms) {
        return Outcome.error(tid, SignalingError.TOO_MANY_ROOMS, "the server holds " + maxRooms + " rooms already");
      }
      r = new LinkedHashMap<>();
      rooms.put(room, r);
    } else if (r.size() >= capacity) {
      return Outcome.error(tid, SignalingError.ROOM_FULL, "room '" + room + "' is full (" + capacity + ")");
    }
    Member m = new Member(display, peer, newToken());
    r.put(display, m);
    members++;
    return new Outcome(joinReply(tid, room, r, m), notifyOthers(room, r, m, ServerMessage.JOIN, null, null, null), null, true);
  }

  synchronized Outcome publish(Peer peer, String tid, String room, String display) {
    Member m = member(peer, room, display);
    if (m == null) {
      return notJoined(tid, room, display);
    }
    m.publishing = true;
    return new Outcome(new ServerMessage.Reply(tid), notifyOthers(room, rooms.get(room), m, ServerMessage.PUBLISH, null, null, null),
        null, false);
  }

  synchronized Outcome control(Peer peer, String tid, String room, String display, String call, String data, String to) {
    Member m = member(peer, room, display);
    if (m == null) {
      return notJoined(tid, room, display);
    }
    Map<String, Member> r = rooms.get(room);
    if (to != null && (to.equals(display) || !r.containsKey(to))) {
      return Outcome.error(tid, SignalingError.UNKNOWN_PEER, "no other participant '" + to + "' in room '" + room + "'");
    }
    return new Outcome(new ServerMessage.Reply(tid), notifyOthers(room, r, m, ServerMessage.CONTROL, call, data, to), null, false);
  }

  synchronized Outcome leave(Peer peer, String tid, String room, String display) {
    Member m = member(peer, room, display);
    if (m == null) {
      return notJoined(tid, room, display);
    }
    return new Outcome(new ServerMessage.Reply(tid), remove(room, m), null, false);
  }

  /** The socket is gone: its member (if it still owns one) leaves. */
  synchronized List<Delivery> gone(Peer peer, String room, String display) {
    Member m = member(peer, room, display);
    return m == null ? List.of() : remove(room, m);
  }

  synchronized int roomCount() {
    return rooms.size();
  }

  synchronized int memberCount() {
    return members;
  }

  long roomsFreed() {
    return roomsFreed.get();
  }

  /** The participants of a room, for the API and tests; empty if there is no such room. */
  synchronized List<Participant> participants(String room) {
    Map<String, Member> r = rooms.get(room);
    return r == null ? List.of() : r.values().stream().map(Member::participant).toList();
  }

  private List<Delivery> remove(String room, Member m) {
    Map<String, Member> r = rooms.get(room);
    r.remove(m.display);
    members--;
    if (r.isEmpty()) {
      rooms.remove(room);
      roomsFreed.incrementAndGet();
      return List.of();
    }
    return notifyOthers(room, r, m, ServerMessage.LEAVE, null, null, null);
  }

  private Member member(Peer peer, String room, String display) {
    Map<String, Member> r = rooms.get(room);
    Member m = r == null ? null : r.get(display);
    return m != null && m.peer == peer ? m : null;
  }

  private Outcome notJoined(String tid, String room, String display) {
    if (!rooms.containsKey(room)) {
      return Outcome.error(tid, SignalingError.UNKNOWN_ROOM, "no room '" + room + "'");
    }
    return Outcome.error(tid, SignalingError.NOT_JOINED, "this socket has not joined room '" + room + "' as '" + display + "'");
  }

  private static ServerMessage.JoinReply joinReply(String tid, String room, Map<String, Member> r, Member self) {
    return new ServerMessage.JoinReply(tid, room, self.participant(), list(r), self.resume);
  }

  private static List<Delivery> notifyOthers(String room, Map<String, Member> r, Member from, String event, String param,
      String data, String to) {
    List<Participant> all = list(r);
    List<Delivery> out = new ArrayList<>(r.size());
    for (Member other : r.values()) {
      if (other == from || (to != null && !other.display.equals(to))) {
        continue;
      }
      out.add(new Delivery(other.peer, new ServerMessage.Notify(event, param, data, room, other.participant(),
          from.participant(), all)));
    }
    return out;
  }

  private static List<Participant> list(Map<String, Member> r) {
    return r.values().stream().map(Member::participant).toList();
  }

  private static String newToken() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static boolean constantTimeEquals(String a, String b) {
    return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
