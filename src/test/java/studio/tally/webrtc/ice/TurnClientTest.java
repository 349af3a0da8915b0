package studio.tally.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import studio.tally.proto.stun.ChannelData;
import studio.tally.proto.stun.ChannelNumber;
import studio.tally.proto.stun.Data;
import studio.tally.proto.stun.ErrorCode;
import studio.tally.proto.stun.Lifetime;
import studio.tally.proto.stun.MessageIntegrity;
import studio.tally.proto.stun.Nonce;
import studio.tally.proto.stun.Realm;
import studio.tally.proto.stun.RequestedTransport;
import studio.tally.proto.stun.StunAddress;
import studio.tally.proto.stun.StunClass;
import studio.tally.proto.stun.StunIntegrity;
import studio.tally.proto.stun.StunMessage;
import studio.tally.proto.stun.Turn;
import studio.tally.proto.stun.XorPeerAddress;
import studio.tally.proto.stun.XorRelayedAddress;

/**
 * The TURN client state machine driven with the server's answers built by our codec, time passed in:
 * 401 then success, refused credentials, 438 stale nonce, permissions and channels, refreshes, bad
 * input. (Against the real coturn: PublishThroughTurnTest.)
 */
class TurnClientTest {
  private static final TurnServer SERVER = TurnServer.parse("turn:tally:relay-secret@198.18.0.1:3478");
  private static final byte[] KEY = StunIntegrity.longTermKey("tally", "tally.test", "relay-secret");
  private static final InetSocketAddress PEER = address("198.18.1.1", 8000);
  private static final InetSocketAddress RELAY = address("198.18.0.1", 49170);
  private static final long SECOND = 1_000_000_000L;

  private final TurnClient client = new TurnClient(SERVER, new SplittableRandom(7));
  private long now = 5 * SECOND;

  private static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static StunAddress stun(InetSocketAddress a) {
    return new StunAddress(a.getAddress().getAddress(), a.getPort());
  }

  private StunMessage sent() {
    List<byte[]> out = client.tick(now);
    assertThat(out).hasSize(1);
    return StunMessage.parse(out.getFirst());
  }

  private void answer(StunMessage request, StunClass cls, boolean sign, Object... attributes) {
    StunMessage.Builder b = StunMessage.responseTo(request, cls);
    for (Object a : attributes) {
      b.add((studio.tally.proto.stun.StunAttribute) a);
    }
    if (sign) {
      b.messageIntegrity(KEY);
    }
    assertNull(client.onPacket(Unpooled.wrappedBuffer(b.fingerprint().toBytes()), now));
  }

  private StunMessage allocated() {
    return allocated(sent());
  }

  private StunMessage allocated(StunMessage first) {
    answer(first, StunClass.ERROR_RESPONSE, false, new ErrorCode(401, "Unauthorized"), new Realm("tally.test"),
        new Nonce("n1"));
    now += SECOND / 20;
    StunMessage second = sent();
    StunIntegrity.verifyIntegrity(second.toBytes(), KEY);
    answer(second, StunClass.SUCCESS_RESPONSE, true, new XorRelayedAddress(stun(RELAY)), new Lifetime(600));
    return second;
  }

  @Test
  void allocateAsksForCredentialsThenSucceeds() {
    StunMessage first = sent();
    assertEquals(Turn.ALLOCATE_REQUEST, first.type());
    assertEquals(new RequestedTransport(17), first.attribute(RequestedTransport.class).orElseThrow());
    assertThat(first.attribute(MessageIntegrity.class)).as("no credentials before the 401").isEmpty();
    StunMessage second = allocated(first);
    assertEquals(Turn.ALLOCATE_REQUEST, second.type());
    assertThat(second.username()).contains("tally");
    assertEquals(new Realm("tally.test"), second.attribute(Realm.class).orElseThrow());
    assertEquals(new Nonce("n1"), second.attribute(Nonce.class).orElseThrow());
    assertEquals(TurnClient.State.READY, client.state());
    assertEquals(RELAY, client.relayed());
  }

  @Test
  void a401WithCredentialsIsAClearFailure() {
    StunMessage first = sent();
    answer(first, StunClass.ERROR_RESPONSE, false, new ErrorCode(401, "Unauthorized"), new Realm("tally.test"),
        new Nonce("n1"));
    now += SECOND / 20;
    StunMessage second = sent();
    answer(second, StunClass.ERROR_RESPONSE, false, new ErrorCode(401, "Unauthorized"), new Realm("tally.test"),
        new Nonce("n2"));
    assertEquals(TurnClient.State.FAILED, client.state());
    assertEquals("TURN turn:198.18.0.1:3478 refused the credentials (401)", client.failure());
    assertThat(client.refused()).isTrue();
    assertThat(client.tick(now + SECOND)).isEmpty();
  }

  @Test
  void staleNonceRetriesWithTheNewNonceThenPermissionAndChannelCarryData() {
    allocated();
    client.addPeer(PEER);
    byte[] data = {(byte) 0x80, 96, 0, 1};
    assertNull(client.wrap(PEER, Unpooled.wrappedBuffer(data), UnpooledByteBufAllocator.DEFAULT), "nothing before a permission");
    List<byte[]> out = client.tick(now);
    assertThat(out).hasSize(2);
    StunMessage permission = StunMessage.parse(out.get(0));
    StunMessage bind = StunMessage.parse(out.get(1));
    assertEquals(Turn.CREATE_PERMISSION_REQUEST, permission.type());
    assertEquals(new XorPeerAddress(stun(PEER)), permission.attribute(XorPeerAddress.class).orElseThrow());
    assertEquals(Turn.CHANNEL_BIND_REQUEST, bind.type());
    assertEquals(new ChannelNumber(0x4000), bind.attribute(ChannelNumber.class).orElseThrow());

    answer(permission, StunClass.ERROR_RESPONSE, false, new ErrorCode(438, "Stale Nonce"), new Realm("tally.test"),
        new Nonce("n2"));
    StunMessage again = sent();
    assertEquals(Turn.CREATE_PERMISSION_REQUEST, again.type());
    assertEquals(new Nonce("n2"), again.attribute(Nonce.class).orElseThrow());
    StunIntegrity.verifyIntegrity(again.toBytes(), KEY);
    answer(again, StunClass.SUCCESS_RESPONSE, true);
    assertThat(client.permitted(PEER.getAddress())).isTrue();

    ByteBuf send = client.wrap(PEER, Unpooled.wrappedBuffer(data), UnpooledByteBufAllocator.DEFAULT);
    StunMessage indication = StunMessage.parse(ByteBufUtil.getBytes(send));
    assertEquals(Turn.SEND_INDICATION, indication.type());
    assertEquals(new Data(data), indication.attribute(Data.class).orElseThrow());

    answer(bind, StunClass.SUCCESS_RESPONSE, true);
    assertEquals(0x4000, client.channelOf(PEER));
    ByteBuf framed = client.wrap(PEER, Unpooled.wrappedBuffer(data), UnpooledByteBufAllocator.DEFAULT);
    assertEquals("40000004" + "80600001", java.util.HexFormat.of().formatHex(ByteBufUtil.getBytes(framed)));

    // from the peer: ChannelData on our channel, and a Data indication
    TurnClient.PeerData in = client.onPacket(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex("4000000201020000")), now);
    assertEquals(PEER, in.peer());
    assertEquals("0102", ByteBufUtil.hexDump(in.data()));
    byte[] dataIndication = StunMessage.builder(Turn.DATA_INDICATION, StunMessage.newTransactionId(new SplittableRandom(1)))
        .add(new XorPeerAddress(stun(PEER))).add(new Data(new byte[] {9})).toBytes();
    TurnClient.PeerData viaIndication = client.onPacket(Unpooled.wrappedBuffer(dataIndication), now);
    assertEquals(PEER, viaIndication.peer());
    assertEquals("09", ByteBufUtil.hexDump(viaIndication.data()));
  }

  @Test
  void unknownChannelsTruncatedChannelDataAndForgedAnswersAreDropped() {
    allocated();
    assertNull(client.onPacket(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex("4123000101")), now));
    assertEquals(1, client.unknownChannel());
    assertNull(client.onPacket(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex("40")), now));
    assertNull(client.onPacket(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex("4000000a0102")), now));
    assertEquals(2, client.malformed());
    // a success signed with another key does not grant the permission
    client.addPeer(PEER);
    StunMessage permission = StunMessage.parse(client.tick(now).getFirst());
    byte[] forged = StunMessage.responseTo(permission, StunClass.SUCCESS_RESPONSE)
        .messageIntegrity(StunIntegrity.longTermKey("tally", "tally.test", "guess")).toBytes();
    assertNull(client.onPacket(Unpooled.wrappedBuffer(forged), now));
    assertThat(client.permitted(PEER.getAddress())).isFalse();
    byte[] unsigned = StunMessage.responseTo(permission, StunClass.SUCCESS_RESPONSE).toBytes();
    assertNull(client.onPacket(Unpooled.wrappedBuffer(unsigned), now));
    assertThat(client.permitted(PEER.getAddress())).isFalse();
  }

  @Test
  void allocationPermissionsAndChannelsAreRefreshedBeforeTheyExpire() {
    allocated();
    client.addPeer(PEER);
    List<byte[]> out = client.tick(now);
    answer(StunMessage.parse(out.get(0)), StunClass.SUCCESS_RESPONSE, true);
    answer(StunMessage.parse(out.get(1)), StunClass.SUCCESS_RESPONSE, true);
    now += 239 * SECOND;
    assertThat(client.tick(now)).isEmpty();
    now += 2 * SECOND; // 241 s: the permission (5 min) is refreshed
    StunMessage refreshPermission = sent();
    assertEquals(Turn.CREATE_PERMISSION_REQUEST, refreshPermission.type());
    answer(refreshPermission, StunClass.SUCCESS_RESPONSE, true);
    now += 60 * SECOND; // 301 s: the channel (10 min)
    StunMessage rebind = sent();
    assertEquals(Turn.CHANNEL_BIND_REQUEST, rebind.type());
    answer(rebind, StunClass.SUCCESS_RESPONSE, true);
    now += 240 * SECOND; // 541 s: the allocation (LIFETIME 600) a minute before it ends, and the permission again
    List<byte[]> due = client.tick(now);
    assertThat(due.stream().map(b -> StunMessage.parse(b).type())).contains(Turn.REFRESH_REQUEST, Turn.CREATE_PERMISSION_REQUEST);
    StunMessage refresh = due.stream().map(StunMessage::parse).filter(m -> m.type().equals(Turn.REFRESH_REQUEST))
        .findFirst().orElseThrow();
    assertEquals(new Lifetime(600), refresh.attribute(Lifetime.class).orElseThrow());
    answer(refresh, StunClass.SUCCESS_RESPONSE, true, new Lifetime(600));
    assertEquals(TurnClient.State.READY, client.state());
    assertThat(client.deallocate(now)).satisfies(b -> assertEquals(new Lifetime(0),
        StunMessage.parse(b).attribute(Lifetime.class).orElseThrow()));
  }

  @Test
  void anUnansweredAllocateFailsAfterRetransmissions() {
    int sent = 0;
    for (long t = 0; t <= TurnClient.TRANSACTION_TIMEOUT_MILLIS + 100; t += 50) {
      sent += client.tick(now + t * 1_000_000L).size();
    }
    assertEquals(TurnClient.State.FAILED, client.state());
    assertEquals("TURN turn:198.18.0.1:3478 did not answer the Allocate within 8 s", client.failure());
    assertThat(sent).as("500 ms, 1 s, 2 s, 2 s, 2 s apart").isEqualTo(6);
    assertThat(client.refused()).isFalse();
  }

  @Test
  void overTcpRequestsGoOnceAndChannelDataIsPadded() {
    TurnClient tcp = new TurnClient(TurnServer.parse("turn:tally:relay-secret@198.18.0.1:3478?transport=tcp"),
        new SplittableRandom(7));
    int sent = 0;
    for (long t = 0; t <= TurnClient.TRANSACTION_TIMEOUT_MILLIS + 100; t += 50) {
      List<byte[]> out = tcp.tick(now + t * 1_000_000L);
      if (sent == 0 && !out.isEmpty()) {
        assertEquals(new RequestedTransport(17), StunMessage.parse(out.getFirst()).attribute(RequestedTransport.class)
            .orElseThrow(), "the relay toward peers stays UDP");
      }
      sent += out.size();
    }
    assertThat(sent).as("a stream is reliable: no retransmission").isEqualTo(1);
    assertEquals("TURN turn:198.18.0.1:3478?transport=tcp did not answer the Allocate within 8 s", tcp.failure());

    TurnClient tls = new TurnClient(TurnServer.parse("turns:tally:relay-secret@198.18.0.1"), new SplittableRandom(7));
    StunMessage first = StunMessage.parse(tls.tick(now).getFirst());
    tls.onPacket(Unpooled.wrappedBuffer(StunMessage.responseTo(first, StunClass.ERROR_RESPONSE)
        .add(new ErrorCode(401, "Unauthorized")).add(new Realm("tally.test")).add(new Nonce("n1")).toBytes()), now);
    StunMessage second = StunMessage.parse(tls.tick(now).getFirst());
    tls.onPacket(Unpooled.wrappedBuffer(StunMessage.responseTo(second, StunClass.SUCCESS_RESPONSE)
        .add(new XorRelayedAddress(stun(RELAY))).messageIntegrity(KEY).toBytes()), now);
    tls.addPeer(PEER);
    List<byte[]> out = tls.tick(now);
    for (byte[] b : out) {
      tls.onPacket(Unpooled.wrappedBuffer(StunMessage.responseTo(StunMessage.parse(b), StunClass.SUCCESS_RESPONSE)
          .messageIntegrity(KEY).toBytes()), now);
    }
    assertEquals(0x4000, tls.channelOf(PEER));
    ByteBuf framed = tls.wrap(PEER, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1, 7}), UnpooledByteBufAllocator.DEFAULT);
    assertEquals("40000005" + "8060000107" + "000000", java.util.HexFormat.of().formatHex(ByteBufUtil.getBytes(framed)),
        "RFC 8656 §12.5: padded to 4 bytes on a stream");

    tls.transportFailed("TLS handshake failed: certificate not trusted", true);
    assertEquals(TurnClient.State.FAILED, tls.state());
    assertEquals("TURN turns:198.18.0.1:5349: TLS handshake failed: certificate not trusted", tls.failure());
    assertThat(tls.refused()).isTrue();
  }

  @Test
  void urlsParseAsCallAndLinkHeadersSpellThem() {
    assertEquals(new TurnServer("198.18.0.1", 3478, "tally", "relay-secret"), SERVER);
    assertEquals("turn:198.18.0.1:3478 (user tally)", SERVER.toString());
    assertEquals(new TurnServer("turn.example.net", 3478, "u", "p:w"),
        TurnServer.parse("turn:u:p:w@turn.example.net?transport=udp"));
    assertEquals(new TurnServer("::1", 5349, "u", "p"), TurnServer.of("turn:[::1]:5349", "u", "p"));
    TurnServer tcp = TurnServer.of("turn:h:3478?transport=tcp", "u", "p");
    assertEquals(new TurnServer("h", 3478, "u", "p", TurnServer.Transport.TCP), tcp);
    assertEquals("turn:h:3478?transport=tcp", tcp.uri());
    TurnServer tls = TurnServer.parse("turns:u:secret@h");
    assertEquals(new TurnServer("h", 5349, "u", "secret", TurnServer.Transport.TLS), tls);
    assertEquals("turns:h:5349 (user u)", tls.toString());
    assertEquals(TurnServer.Transport.TLS, TurnServer.of("turns:h:443?transport=tcp", "u", "p").transport());
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TurnServer.parse("turns:u:secret@h:5349?transport=udp")).getMessage()).contains("DTLS").doesNotContain("secret");
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TurnServer.of("turn:h:3478?transport=sctp", "u", "p")).getMessage()).contains("SCTP");
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TurnServer.parse("turn:h:3478")).getMessage()).contains("no credentials");
    assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TurnServer.parse("turn:u:p@h:99999x")).getMessage()).contains("bad port");
  }
}
