package studio.tally.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import studio.tally.server.tls.ServerCertificate;

/**
 * Our DTLS client and server roles through a relay that loses datagrams the way bad networks do:
 * each flight lost once in both directions, and four ClientHellos in a row. Flights go out packed
 * (one datagram per flight here) and are retransmitted on a short timer (100 ms, doubling), so both finish well inside
 * a handshake timeout that RFC 6347's 1 s → 2 s → 4 s → 8 s timers would not survive.
 */
class DtlsLossyRelayTest {
  private static final DtlsIdentity CLIENT_ID = DtlsIdentity.selfSigned("tally-lossy-client");
  private static final DtlsIdentity SERVER_ID = DtlsIdentity.selfSigned("tally-lossy-server");
  /** RFC 6347 timers need 1 + 2 + 4 + 8 = 15 s for a fifth ClientHello: this budget fails them. */
  private static final DtlsConfig SHORT = DtlsConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(5));

  private final SessionHarness clientEvents = new SessionHarness();
  private final SessionHarness serverEvents = new SessionHarness();
  private DtlsClientSession client;
  private DtlsServerSession server;
  /** Datagrams that passed the relay, by direction: true = client to server. */
  private final List<byte[]> toServer = new CopyOnWriteArrayList<>();
  private final List<byte[]> toClient = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (DtlsSession s : new DtlsSession[] {client, server}) {
      if (s != null) {
        s.close();
        assertThat(s.awaitTermination(Duration.ofSeconds(2))).isTrue();
      }
    }
  }

  private void connect(DtlsConfig config, Predicate<byte[]> dropToServer, Predicate<byte[]> dropToClient) {
    CompletableFuture<DtlsClientSession> c = new CompletableFuture<>();
    Consumer<byte[]> serverOut = d -> {
      if (!dropToClient.test(d)) {
        toClient.add(d);
        c.thenAccept(cs -> cs.onDatagram(d));
      }
    };
    server = DtlsServerSession.start(SERVER_ID, config, null, serverOut, serverEvents, serverEvents.threadFactory);
    client = DtlsClientSession.start(CLIENT_ID, config, null, d -> {
      if (!dropToServer.test(d)) {
        toServer.add(d);
        server.onDatagram(d);
      }
    }, clientEvents, clientEvents.threadFactory);
    c.complete(client);
  }

  /**
   * What a datagram holds: per record its epoch and content type, and for clear handshake records
   * the message type and message_seq. A retransmitted flight has the same shape (new record
   * sequence numbers, same messages); the next flight has another.
   */
  static List<String> shape(byte[] d) {
    List<String> records = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(d);
    while (b.remaining() >= 13) {
      int type = b.get(b.position()) & 0xFF;
      int epoch = b.getShort(b.position() + 3) & 0xFFFF;
      int length = b.getShort(b.position() + 11) & 0xFFFF;
      int body = b.position() + 13;
      if (type == 22 && epoch == 0 && length >= 12) {
        records.add("hs" + (b.get(body) & 0xFF) + "#" + (b.getShort(body + 4) & 0xFFFF));
      } else {
        records.add("e" + epoch + "t" + type + "l" + length);
      }
      b.position(Math.min(b.limit(), body + length));
    }
    return records;
  }

  /** Drops the first copy of every flight shape it sees. */
  static Predicate<byte[]> eachFlightOnce(AtomicInteger dropped) {
    Set<List<String>> seen = Collections.synchronizedSet(new HashSet<>());
    return d -> {
      boolean drop = seen.add(shape(d));
      if (drop) {
        dropped.incrementAndGet();
        return true;
      }
      return false;
    };
  }

  @Test
  void eachFlightLostOnceInBothDirections() throws Exception {
    AtomicInteger droppedUp = new AtomicInteger();
    AtomicInteger droppedDown = new AtomicInteger();
    long t0 = System.nanoTime();
    connect(SHORT, eachFlightOnce(droppedUp), eachFlightOnce(droppedDown));
    DtlsResult ours = clientEvents.awaitResult();
    DtlsResult theirs = serverEvents.awaitResult();
    System.out.printf("DTLS with each flight lost once: %d ms, %d + %d flights dropped%n",
        (System.nanoTime() - t0) / 1_000_000, droppedUp.get(), droppedDown.get());
    assertThat(ours.keyingMaterial()).isEqualTo(theirs.keyingMaterial());
    assertThat(droppedUp.get()).as("ClientHello and the client's second flight").isGreaterThanOrEqualTo(2);
    assertThat(droppedDown.get()).as("the server's two flights").isGreaterThanOrEqualTo(2);
    // the server's first flight came as one datagram: ServerHello, Certificate, ServerKeyExchange,
    // CertificateRequest, ServerHelloDone
    assertThat(shape(toClient.getFirst())).containsExactly("hs2#0", "hs11#1", "hs12#2", "hs13#3", "hs14#4");
    // and the client's second flight too: Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished
    assertThat(shape(toServer.get(1))).hasSize(5).startsWith("hs11#1", "hs16#2", "hs15#3");
    // the server's last flight, also when resent after its handshake ended: ChangeCipherSpec and Finished together
    assertThat(toClient.stream().map(DtlsLossyRelayTest::shape).filter(sh -> sh.contains("e0t20l1")))
        .isNotEmpty().allSatisfy(sh -> assertThat(sh).hasSize(2));
  }

  @Test
  void fourLostClientHellosDoNotEndTheHandshake() throws Exception {
    AtomicInteger clientHellos = new AtomicInteger();
    long t0 = System.nanoTime();
    connect(SHORT, d -> shape(d).contains("hs1#0") && clientHellos.incrementAndGet() <= 4, d -> false);
    DtlsResult r = clientEvents.result.get(10, TimeUnit.SECONDS);
    System.out.printf("DTLS with 4 ClientHellos lost: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(r).as("handshake despite 4 lost ClientHellos: %s", clientEvents.failure.getNow(null)).isNotNull();
    assertThat(clientHellos.get()).isEqualTo(5);
    assertThat(serverEvents.awaitResult().keyingMaterial()).isEqualTo(r.keyingMaterial());
  }

  @Test
  void theDefaultGivesAHandshakeAtLeastThirtySeconds() {
    assertThat(DtlsConfig.DEFAULT.handshakeTimeout()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(QueueDatagramTransport.INITIAL_RESEND_MILLIS).isLessThanOrEqualTo(100);
  }
}
