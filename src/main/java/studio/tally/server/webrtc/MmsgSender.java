package studio.tally.server.webrtc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagrams to many destinations from one UDP socket, handed to the kernel with one
 * {@code sendmmsg(2)} per batch through the FFM API (Linux, 64-bit). The fan-out path of the WebRTC
 * server: a publisher packet goes out to every player, each copy protected with that player's keys,
 * so a batch is hundreds of small datagrams to as many addresses. Netty's epoll channel can send such
 * a batch too, but each datagram then costs a direct buffer, a {@code DatagramPacket}, an outbound
 * buffer entry and a JNI object lookup; here it costs one copy into a preallocated native slot.
 *
 * <p>The slots (message headers, iovecs, socket addresses and payload room) are laid out once; {@link #add}
 * fills the next one, {@link #flush} sends what is queued. Not thread-safe: one thread (the socket's event
 * loop) uses it. A datagram the kernel refuses ({@code EAGAIN}: send buffer full, or an error for one
 * destination) is dropped and counted — media is never queued without bound.
 *
 * <p>{@link #open} also sets the "don't fragment" bit (IP_PMTUDISC_PROBE), as WebRTC stacks do: media
 * packets are sized below the path MTU, and a DF datagram skips the kernel's IP-ID generator.
 */
public final class MmsgSender {
  private static final Logger log = LoggerFactory.getLogger(MmsgSender.class);
  /** sendmmsg takes at most UIO_MAXIOV (1024) messages per call. */
  public static final int MAX_BATCH = 1024;
  /** Largest datagram a slot holds; bigger ones go the caller's other way. */
  public static final int SLOT_BYTES = 2048;

  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int IPPROTO_IP = 0;
  private static final int IP_MTU_DISCOVER = 10;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_MTU_DISCOVER = 23;
  private static final int PMTUDISC_PROBE = 3;

  // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } on LP64 Linux: 64 bytes
  private static final int MMSG = 64;
  private static final int MSG_NAME = 0;
  private static final int MSG_NAMELEN = 8;
  private static final int MSG_IOV = 16;
  private static final int MSG_IOVLEN = 24;
  private static final int IOVEC = 16;
  private static final int IOV_LEN = 8;
  private static final int SOCKADDR = 32; // sockaddr_in6 is 28

  private static final ValueLayout.OfShort JAVA_SHORT_BE = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt JAVA_INT_BE = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final Native NATIVE = Native.load();

  private final int fd;
  private final boolean inet6Socket;
  private final int capacity;
  private final MemorySegment msgs;
  private final MemorySegment iovs;
  private final MemorySegment names;
  private final MemorySegment payloads;
  private final MemorySegment callState;
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped;
  private int pending;
  private int lastErrno;

  private MmsgSender(int fd, boolean inet6Socket, int capacity, LongAdder dropped) {
    this.dropped = dropped;
    this.fd = fd;
    this.inet6Socket = inet6Socket;
    this.capacity = capacity;
    Arena arena = Arena.ofAuto(); // freed with this sender; the socket's loop is the only user
    this.msgs = arena.allocate((long) MMSG * capacity, 64);
    this.iovs = arena.allocate((long) IOVEC * capacity, 64);
    this.names = arena.allocate((long) SOCKADDR * capacity, 64);
    this.payloads = arena.allocate((long) SLOT_BYTES * capacity, 64);
    this.callState = arena.allocate(NATIVE.callStateLayout);
    for (int i = 0; i < capacity; i++) {
      long m = (long) MMSG * i;
      msgs.set(ADDRESS, m + MSG_NAME, names.asSlice((long) SOCKADDR * i, SOCKADDR));
      msgs.set(ADDRESS, m + MSG_IOV, iovs.asSlice((long) IOVEC * i, IOVEC));
      msgs.set(JAVA_LONG, m + MSG_IOVLEN, 1);
      iovs.set(ADDRESS, (long) IOVEC * i, payloads.asSlice((long) SLOT_BYTES * i, SLOT_BYTES));
    }
  }

  /** Whether this JVM and OS can use it (Linux, 64-bit, sendmmsg linked). */
  public static boolean available() {
    return NATIVE != null;
  }

  /**
   * A sender on {@code channel}'s socket (an epoll channel: it has a file descriptor), or null where
   * that is not possible (not Linux, no native access, a NIO channel); the caller keeps its other way.
   */
  public static MmsgSender open(Channel channel) {
    return open(channel, new LongAdder());
  }

  /** As {@link #open(Channel)}, counting refused datagrams into {@code dropped}. */
  public static MmsgSender open(Channel channel, LongAdder dropped) {
    if (NATIVE == null || !(channel instanceof UnixChannel unix)) {
      return null;
    }
    try {
      int fd = unix.fd().intValue();
      int family = NATIVE.socketFamily(fd);
      if (family != AF_INET && family != AF_INET6) {
        return null;
      }
      NATIVE.setInt(fd, IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_PROBE);
      if (family == AF_INET6) {
        NATIVE.setInt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_PROBE);
      }
      return new MmsgSender(fd, family == AF_INET6, MAX_BATCH, dropped);
    } catch (Throwable e) {
      log.debug("sendmmsg sender unavailable on {}: {}", channel, e.toString());
      return null;
    }
  }

  /** Datagrams handed to the kernel so far. */
  public long sent() {
    return sent.sum();
  }

  /** Datagrams the kernel refused (and we dropped) so far. */
  public long dropped() {
    return dropped.sum();
  }

  /** Queued, not yet flushed. */
  public int pending() {
    return pending;
  }

  public boolean full() {
    return pending == capacity;
  }

  /**
   * Queues {@code a[off, off+len)} for {@code to}. False (nothing queued) when the datagram is larger
   * than a slot, the address is not IP or does not fit the socket's family, or the batch is full.
   */
  public boolean add(byte[] a, int off, int len, InetSocketAddress to) {
    if (len > SLOT_BYTES || pending == capacity) {
      return false;
    }
    if (!writeAddress((long) SOCKADDR * pending, to)) {
      return false;
    }
    copyIn(a, off, len);
    return true;
  }

  /** Sends everything queued; returns how many datagrams the kernel took. */
  public int flush() {
    int n = pending;
    pending = 0;
    int done = 0;
    int off = 0;
    while (off < n) {
      int r;
      try {
        r = (int) NATIVE.sendmmsg.invokeExact(callState, fd, msgs.asSlice((long) MMSG * off), n - off, MSG_DONTWAIT);
      } catch (Throwable e) {
        throw new IllegalStateException("sendmmsg failed: " + e, e);
      }
      if (r > 0) {
        off += r;
        done += r;
        continue;
      }
      int errno = (int) NATIVE.errno.get(callState, 0L);
      if (errno == EINTR) {
        continue;
      }
      if (errno != lastErrno) {
        lastErrno = errno;
        log.debug("sendmmsg on fd {}: errno {} ({} datagrams left in the batch)", fd, errno, n - off);
      }
      if (errno == EAGAIN) { // the socket's send buffer is full: drop the rest of this batch
        dropped.add(n - off);
        break;
      }
      dropped.increment(); // this destination failed (unreachable, bad address): skip it, send the others
      off++;
    }
    sent.add(done);
    return done;
  }

  /**
   * As {@link #add} for an IPv4 destination given as its address int (big-endian order of the four
   * bytes, as {@code ByteBuffer.getInt} reads them) and port: no {@link InetAddress} is touched.
   */
  public boolean addIpv4(byte[] a, int off, int len, int ipv4, int port) {
    if (len > SLOT_BYTES || pending == capacity) {
      return false;
    }
    writeIpv4((long) SOCKADDR * pending, ipv4, port);
    copyIn(a, off, len);
    return true;
  }

  private void copyIn(byte[] a, int off, int len) {
    int i = pending;
    MemorySegment.copy(a, off, payloads, JAVA_BYTE, (long) SLOT_BYTES * i, len);
    iovs.set(JAVA_LONG, (long) IOVEC * i + IOV_LEN, len);
    pending = i + 1;
  }

  private void writeIpv4(long at, int ipv4, int port) {
    if (inet6Socket) { // ::ffff:a.b.c.d on a dual-stack socket
      sockaddrIn6(at, port, 0);
      names.set(JAVA_LONG, at + 8, 0L);
      names.set(JAVA_INT_BE, at + 16, 0x0000FFFF);
      names.set(JAVA_INT_BE, at + 20, ipv4);
      setNameLength(28);
    } else {
      names.set(JAVA_SHORT, at, (short) AF_INET);
      names.set(JAVA_SHORT_BE, at + 2, (short) port);
      names.set(JAVA_INT_BE, at + 4, ipv4);
      names.set(JAVA_LONG, at + 8, 0L);
      setNameLength(16);
    }
  }

  private boolean writeAddress(long at, InetSocketAddress to) {
    InetAddress ip = to.getAddress();
    int port = to.getPort();
    if (ip instanceof Inet4Address v4) {
      writeIpv4(at, java.nio.ByteBuffer.wrap(v4.getAddress()).getInt(), port);
      return true;
    }
    if (ip instanceof Inet6Address v6 && inet6Socket) {
      sockaddrIn6(at, port, v6.getScopeId());
      MemorySegment.copy(v6.getAddress(), 0, names, JAVA_BYTE, at + 8, 16);
      setNameLength(28);
      return true;
    }
    return false;
  }

  private void sockaddrIn6(long at, int port, int scope) {
    names.set(JAVA_SHORT, at, (short) AF_INET6);
    names.set(JAVA_SHORT_BE, at + 2, (short) port);
    names.set(JAVA_INT, at + 4, 0); // flow info
    names.set(JAVA_INT, at + 24, scope);
  }

  private void setNameLength(int length) {
    msgs.set(JAVA_INT, (long) MMSG * pending + MSG_NAMELEN, length);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "sendmmsg fd %d (%s)", fd, inet6Socket ? "inet6" : "inet");
  }

  /** The linked libc calls; null where they cannot be linked. */
  private record Native(MethodHandle sendmmsg, MethodHandle getsockname, MethodHandle setsockopt,
      StructLayout callStateLayout, VarHandle errno) {

    static Native load() {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      if (!os.contains("linux") || ADDRESS.byteSize() != 8) {
        return null;
      }
      try {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        StructLayout state = Linker.Option.captureStateLayout();
        MethodHandle send = linker.downcallHandle(libc.find("sendmmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno);
        MethodHandle name = linker.downcallHandle(libc.find("getsockname").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle opt = linker.downcallHandle(libc.find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        return new Native(send, name, opt, state,
            state.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
      } catch (Throwable e) { // no native access, or an unusual libc
        log.debug("sendmmsg not linked: {}", e.toString());
        return null;
      }
    }

    int socketFamily(int fd) throws Throwable {
      try (Arena a = Arena.ofConfined()) {
        MemorySegment addr = a.allocate(128);
        MemorySegment len = a.allocate(JAVA_INT);
        len.set(JAVA_INT, 0, 128);
        int r = (int) getsockname.invokeExact(fd, addr, len);
        return r == 0 ? Short.toUnsignedInt(addr.get(JAVA_SHORT, 0)) : -1;
      }
    }

    void setInt(int fd, int level, int name, int value) throws Throwable {
      try (Arena a = Arena.ofConfined()) {
        MemorySegment v = a.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        int r = (int) setsockopt.invokeExact(fd, level, name, v, 4);
        if (r != 0) {
          log.debug("setsockopt({}, {}, {}) failed", fd, level, name);
        }
      }
    }
  }
}
