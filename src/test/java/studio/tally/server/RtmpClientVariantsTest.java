package studio.tally.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import studio.tally.proto.amf.AmfEcmaArray;
import studio.tally.proto.rtmp.RtmpChunkStreamId;
import studio.tally.proto.rtmp.RtmpCommand;
import studio.tally.proto.rtmp.RtmpCommands;
import studio.tally.server.hub.StreamKey;

/**
 * The connect / releaseStream / FCPublish / createStream / publish sequences that OBS, FFmpeg, Larix,
 * librtmp and RootEncoder send (from their sources and captures: command objects, transaction ids,
 * argument shapes), built as AMF0 messages here and sent over a real socket. Each must publish the
 * stream the client's URL names.
 */
class RtmpClientVariantsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private ServerFixture server;

  @BeforeEach
  void start() {
    server = ServerFixture.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One client's publishing sequence: its connect object, then the commands in its order. */
  private String publish(Object connectObject, String name, boolean releaseAndFcPublish, double publishTxn,
      List<Object> connectExtraArgs) {
    RawRtmp c = RawRtmp.open(server.port).handshake();
    RtmpCommand connect = new RtmpCommand(RtmpCommands.CONNECT, 1, connectObject, connectExtraArgs);
    c.send(connect.toMessage(RtmpChunkStreamId.COMMAND, 0, RawRtmp.ALLOC));
    RtmpCommand r = c.awaitCommand(x -> x.transactionId() == 1, WAIT);
    assertThat(r.name()).as("connect answer: %s", r).isEqualTo(RtmpCommands.RESULT);
    double txn = 2;
    if (releaseAndFcPublish) {
      c.send(RtmpCommands.releaseStream(txn++, name, RawRtmp.ALLOC));
      c.send(RtmpCommands.fcPublish(txn++, name, RawRtmp.ALLOC));
    }
    double create = txn++;
    c.send(RtmpCommands.createStream(create, RawRtmp.ALLOC));
    int streamId = ((Number) c.awaitCommand(x -> x.transactionId() == create, WAIT).arg(0)).intValue();
    c.send(new RtmpCommand(RtmpCommands.PUBLISH, publishTxn, null, name, "live")
        .toMessage(RtmpChunkStreamId.STREAM_COMMAND, streamId, RawRtmp.ALLOC));
    RtmpCommand status = c.awaitCommand(x -> x.name().equals(RtmpCommands.ON_STATUS), WAIT);
    closeLater.add(c);
    return RtmpCommands.statusCode(status);
  }

  private final List<RawRtmp> closeLater = new java.util.ArrayList<>();

  @AfterEach
  void closeClients() {
    closeLater.forEach(RawRtmp::close);
  }

  private void assertPublishing(String app, String name) {
    await().atMost(WAIT).until(() -> server.server.hub().stream(new StreamKey(app, name))
        .map(s -> s.publisher() != null).orElse(false));
  }

  private static LinkedHashMap<String, Object> object(Object... kv) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void obs() { // obs-outputs' librtmp: FMSc flashVer, swfUrl = tcUrl, publish txn from its invoke counter
    String tc = server.rtmp("live");
    assertThat(publish(object("app", "live", "type", "nonprivate", "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)",
        "swfUrl", tc, "tcUrl", tc), "obs1", true, 5, List.of())).isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "obs1");
  }

  @Test
  void ffmpegWithEnhancedRtmpFourCcList() { // FFmpeg 6.1+: fourCcList strict array in connect
    assertThat(publish(object("app", "live", "type", "nonprivate", "flashVer", "FMLE/3.0 (compatible; Lavf61.7.100)",
        "tcUrl", server.rtmp("live"), "fourCcList", List.of("av01", "vp09", "hvc1")), "ff1", true, 5, List.of()))
        .isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "ff1");
  }

  @Test
  void larixWithObjectEncodingAndPublishTxnZero() {
    assertThat(publish(object("app", "live", "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)", "swfUrl", server.rtmp("live"),
        "tcUrl", server.rtmp("live"), "type", "nonprivate", "objectEncoding", 0.0), "larix", true, 0, List.of()))
        .isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "larix");
  }

  @Test
  void librtmpWithAppAndStreamInOneUrl() { // rtmp://host/live/cam/key: librtmp sends app "live/cam", playpath "key"
    assertThat(publish(object("app", "live/cam", "type", "nonprivate", "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)",
        "tcUrl", server.rtmp("live/cam")), "cam", true, 6, List.of())).isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "cam");
  }

  @Test
  void rootEncoderWithPlayerCapabilitiesAndAuthQueryOnTheApp() {
    assertThat(publish(object("app", "live?authmod=adobe&user=u", "flashVer", "FMLE/3.0 (compatible; Lavf57.56.101)",
        "tcUrl", server.rtmp("live?authmod=adobe&user=u"), "fpad", false, "capabilities", 239.0,
        "audioCodecs", 3575.0, "videoCodecs", 252.0, "videoFunction", 1.0), "root1", true, 5, List.of()))
        .isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "root1");
  }

  @Test
  void tcUrlWithoutAppAndNoReleaseStream() { // SRS derives the app from tcUrl; some encoders skip releaseStream
    assertThat(publish(object("flashVer", "FMLE/3.0", "tcUrl", server.rtmp("live")), "tc1", false, 0, List.of()))
        .isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "tc1");
  }

  @Test
  void tcUrlNamesAppAndStreamAndPublishNamesNone() {
    assertThat(publish(object("tcUrl", server.rtmp("live/tc2?token=x")), "", true, 0, List.of()))
        .isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "tc2");
  }

  @Test
  void connectObjectAsEcmaArrayWithExtraArguments() { // optional user arguments after the command object
    AmfEcmaArray ecma = new AmfEcmaArray(object("app", "live", "tcUrl", server.rtmp("live")));
    assertThat(publish(ecma, "ecma", true, 0, List.of("user-arg", 1.0))).isEqualTo(RtmpCommands.PUBLISH_START);
    assertPublishing("live", "ecma");
  }

  @Test
  void connectWithNeitherAppNorTcUrlIsRefusedAndSaysWhy() {
    RawRtmp c = RawRtmp.open(server.port).handshake();
    closeLater.add(c);
    c.send(RtmpCommands.connect(1, Map.of("flashVer", "FMLE/3.0"), RawRtmp.ALLOC));
    RtmpCommand r = c.awaitCommand(x -> x.transactionId() == 1, WAIT);
    assertThat(r.name()).isEqualTo(RtmpCommands.ERROR);
    assertThat(r.toString()).contains("bad app name ''");
    assertThat(c.awaitClosed(WAIT)).isTrue();
  }

  @Test
  void releaseStreamAndFcPublishAnswerOnlyWhenTheyCarryATransaction() {
    RawRtmp c = RawRtmp.open(server.port).connect("live", server.rtmp("live"));
    closeLater.add(c);
    c.send(RtmpCommands.releaseStream(0, "k", RawRtmp.ALLOC));
    c.send(RtmpCommands.fcPublish(0, "k", RawRtmp.ALLOC));
    c.send(new RtmpCommand("FCSubscribe", 7, null, "k").toMessage(RtmpChunkStreamId.COMMAND, 0, RawRtmp.ALLOC));
    RtmpCommand r = c.awaitCommand(x -> x.transactionId() == 7, WAIT);
    assertThat(r.name()).isEqualTo(RtmpCommands.RESULT);
    assertThat(c.commands()).filteredOn(x -> x.transactionId() == 0 && x.name().equals(RtmpCommands.RESULT)).isEmpty();
  }
}
