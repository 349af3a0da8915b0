package studio.tally.proto.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import studio.tally.proto.Hex;
import studio.tally.proto.amf.Amf0Decoder;
import studio.tally.proto.amf.AmfEcmaArray;
import studio.tally.proto.amf.AmfException;
import studio.tally.proto.rtmp.RtmpControlMessage.Abort;
import studio.tally.proto.rtmp.RtmpControlMessage.Acknowledgement;
import studio.tally.proto.rtmp.RtmpControlMessage.LimitType;
import studio.tally.proto.rtmp.RtmpControlMessage.SetChunkSize;
import studio.tally.proto.rtmp.RtmpControlMessage.SetPeerBandwidth;
import studio.tally.proto.rtmp.RtmpControlMessage.UserControl;
import studio.tally.proto.rtmp.RtmpControlMessage.WindowAcknowledgementSize;

class RtmpMessagesTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private final Amf0Decoder amf = new Amf0Decoder();

  private static RtmpMessage raw(int type, String hex) {
    return new RtmpMessage(2, type, 0, 0, Hex.buf(hex));
  }

  private static String body(RtmpControlMessage c) {
    RtmpMessage m = c.toMessage(ALLOC);
    assertThat(m.chunkStreamId()).isEqualTo(2);
    assertThat(m.messageStreamId()).isZero();
    assertThat(m.typeId()).isEqualTo(c.typeId());
    String hex = Hex.of(m.payload());
    assertThat(RtmpControlMessage.decode(m)).isEqualTo(c);
    m.release();
    return hex;
  }

  @Test
  void controlMessageVectors() {
    assertThat(body(new SetChunkSize(4096))).isEqualTo("00001000");
    assertThat(body(new Abort(4))).isEqualTo("00000004");
    assertThat(body(new Acknowledgement(0xFFFFFFFFL))).isEqualTo("ffffffff");
    assertThat(body(new WindowAcknowledgementSize(2_500_000))).isEqualTo("002625a0");
    assertThat(body(new SetPeerBandwidth(2_500_000, LimitType.DYNAMIC))).isEqualTo("002625a002");
  }

  @Test
  void userControlVectors() {
    assertThat(body(new UserControl(new RtmpUserControlEvent.StreamBegin(1)))).isEqualTo("000000000001");
    assertThat(body(new UserControl(new RtmpUserControlEvent.StreamEof(1)))).isEqualTo("000100000001");
    assertThat(body(new UserControl(new RtmpUserControlEvent.StreamDry(1)))).isEqualTo("000200000001");
    assertThat(body(new UserControl(new RtmpUserControlEvent.SetBufferLength(1, 3000)))).isEqualTo("00030000000100000bb8");
    assertThat(body(new UserControl(new RtmpUserControlEvent.StreamIsRecorded(1)))).isEqualTo("000400000001");
    assertThat(body(new UserControl(new RtmpUserControlEvent.PingRequest(77)))).isEqualTo("00060000004d");
    assertThat(body(new UserControl(new RtmpUserControlEvent.PingResponse(77)))).isEqualTo("00070000004d");
    RtmpMessage bufferEmpty = raw(4, "001f 00000001");
    assertThat(RtmpControlMessage.decode(bufferEmpty)).isEqualTo(new UserControl(new RtmpUserControlEvent.Unknown(31)));
    bufferEmpty.release();
  }

  @Test
  void badControlMessagesAreNamed() {
    for (String[] c : new String[][] {
        {"1", "0000", "rtmp: chunk size truncated (2 bytes)"},
        {"1", "80000000", "rtmp: chunk size 2147483648 out of range 1..16777215"},
        {"6", "00001000", "rtmp: set peer bandwidth limit type missing"},
        {"6", "0000100003", "rtmp: set peer bandwidth limit type 3 not in 0..2"},
        {"4", "00", "rtmp: user control event type truncated (1 bytes)"},
        {"4", "0003 00000001", "rtmp: set buffer length milliseconds truncated (6 bytes)"},
        {"9", "00", "rtmp: message type 9 is not a control message"}}) {
      RtmpMessage m = raw(Integer.parseInt(c[0]), c[1]);
      assertThatThrownBy(() -> RtmpControlMessage.decode(m)).isInstanceOf(RtmpException.class).hasMessage(c[2]);
      m.release();
    }
    assertThatThrownBy(() -> new SetChunkSize(0)).isInstanceOf(RtmpException.class);
  }

  @Test
  void ffmpegConnectDecodesAsCommand() {
    RtmpMessage m = new RtmpMessage(3, 20, 0, 0, Hex.buf(studio.tally.proto.amf.Amf0CodecTest.FFMPEG_CONNECT));
    RtmpCommand c = RtmpCommand.decode(m, amf);
    assertThat(c.name()).isEqualTo("connect");
    assertThat(c.transactionId()).isEqualTo(1.0);
    assertThat(((Map<?, ?>) c.commandObject()).get("app")).isEqualTo("live");
    assertThat(((Map<?, ?>) c.commandObject()).get("type")).isEqualTo("nonprivate");
    assertThat(c.args()).isEmpty();
    // our factory writes the same bytes FFmpeg does
    RtmpMessage ours = RtmpCommands.connect(1, "live", "rtmp://127.0.0.1:1935/live", "FMLE/3.0 (compatible; Lavf59.27.100)", false, ALLOC);
    assertThat(ours.payload()).isEqualTo(m.payload());
    assertThat(ours.chunkStreamId()).isEqualTo(3);
    ours.release();
    m.release();
  }

  @Test
  void amf3CommandSkipsTheFormatByte() {
    RtmpMessage m = new RtmpMessage(3, 17, 0, 0, Hex.buf("00 02000c63726561746553747265616d 004000000000000000 05"));
    assertThat(RtmpCommand.decode(m, amf)).isEqualTo(new RtmpCommand("createStream", 2.0, null, List.of()));
    m.release();
  }

  @Test
  void commandFactoriesRoundTrip() {
    record Case(RtmpMessage message, RtmpCommand expected, int cs, int msid) {}
    List<Case> cases = List.of(
        new Case(RtmpCommands.releaseStream(2, "key", ALLOC), new RtmpCommand("releaseStream", 2, null, "key"), 3, 0),
        new Case(RtmpCommands.fcPublish(3, "key", ALLOC), new RtmpCommand("FCPublish", 3, null, "key"), 3, 0),
        new Case(RtmpCommands.createStream(4, ALLOC), new RtmpCommand("createStream", 4, null), 3, 0),
        new Case(RtmpCommands.publish(1, "key", "live", ALLOC), new RtmpCommand("publish", 0, null, "key", "live"), 5, 1),
        new Case(RtmpCommands.play(1, "key", -2, ALLOC), new RtmpCommand("play", 0, null, "key", -2.0), 5, 1),
        new Case(RtmpCommands.fcUnpublish(5, "key", ALLOC), new RtmpCommand("FCUnpublish", 5, null, "key"), 3, 0),
        new Case(RtmpCommands.deleteStream(6, 1, ALLOC), new RtmpCommand("deleteStream", 6, null, 1.0), 3, 0),
        new Case(RtmpCommands.createStreamResult(4, 1, ALLOC), new RtmpCommand("_result", 4, null, 1.0), 3, 0),
        new Case(RtmpCommands.onStatus(1, "status", RtmpCommands.PUBLISH_START, "go", ALLOC),
            new RtmpCommand("onStatus", 0, null, RtmpCommands.info("status", "NetStream.Publish.Start", "go")), 5, 1),
        new Case(RtmpCommands.error(1, RtmpCommands.CONNECT_REJECTED, "no", ALLOC),
            new RtmpCommand("_error", 1, null, RtmpCommands.info("error", "NetConnection.Connect.Rejected", "no")), 3, 0));
    for (Case c : cases) {
      assertThat(c.message().typeId()).isEqualTo(20);
      assertThat(c.message().chunkStreamId()).isEqualTo(c.cs());
      assertThat(c.message().messageStreamId()).isEqualTo(c.msid());
      assertThat(RtmpCommand.decode(c.message(), amf)).isEqualTo(c.expected());
      c.message().release();
    }
    RtmpMessage result = RtmpCommands.connectResult(1, 0, ALLOC);
    RtmpCommand decoded = RtmpCommand.decode(result, amf);
    assertThat(decoded.name()).isEqualTo("_result");
    assertThat(((Map<?, ?>) decoded.commandObject()).get("fmsVer")).isEqualTo("FMS/3,0,1,123");
    assertThat(RtmpCommands.statusCode(decoded)).isEqualTo("NetConnection.Connect.Success");
    result.release();
  }

  @Test
  void badCommandsAreNamed() {
    RtmpMessage noName = new RtmpMessage(3, 20, 0, 0, Hex.buf("003ff0000000000000"));
    assertThatThrownBy(() -> RtmpCommand.decode(noName, amf)).hasMessage("rtmp: command name is missing or not a string");
    RtmpMessage badTxn = new RtmpMessage(3, 20, 0, 0, Hex.buf("020001 61 0101"));
    assertThatThrownBy(() -> RtmpCommand.decode(badTxn, amf)).hasMessage("rtmp: command a transaction id is not a number");
    RtmpMessage truncated = new RtmpMessage(3, 20, 0, 0, Hex.buf("020005 61"));
    assertThatThrownBy(() -> RtmpCommand.decode(truncated, amf)).isInstanceOf(AmfException.class);
    RtmpMessage video = new RtmpMessage(6, 9, 0, 1, Hex.buf("17"));
    assertThatThrownBy(() -> RtmpCommand.decode(video, amf)).hasMessage("rtmp: message type 9 is not a command");
    for (RtmpMessage m : List.of(noName, badTxn, truncated, video)) {
      m.release();
    }
  }

  @Test
  void setDataFrameMetadata() {
    AmfEcmaArray meta = new AmfEcmaArray();
    meta.entries().put("width", 1280.0);
    meta.entries().put("height", 720.0);
    RtmpData setDataFrame = new RtmpData(RtmpData.SET_DATA_FRAME, RtmpData.ON_META_DATA, meta);
    RtmpMessage m = setDataFrame.toMessage(RtmpChunkStreamId.STREAM_COMMAND, 0, 1, ALLOC);
    assertThat(m.typeId()).isEqualTo(18);
    RtmpData decoded = RtmpData.decode(m, amf);
    assertThat(decoded).isEqualTo(setDataFrame);
    assertThat(decoded.metadata()).isEqualTo(meta);
    assertThat(decoded.withoutSetDataFrame()).isEqualTo(new RtmpData("onMetaData", meta));
    assertThat(decoded.withoutSetDataFrame().metadata()).isEqualTo(meta);
    m.release();

    RtmpMessage amf3 = new RtmpMessage(5, 15, 0, 1, Hex.buf("00 02000a6f6e4d65746144617461 03 0001 77 0101 000009"));
    assertThat(RtmpData.decode(amf3, amf).metadata().entries()).containsEntry("w", true);
    amf3.release();
    ByteBuf empty = Unpooled.buffer();
    RtmpMessage none = new RtmpMessage(5, 18, 0, 1, empty);
    assertThatThrownBy(() -> RtmpData.decode(none, amf)).hasMessage("rtmp: data message name is missing or not a string");
    none.release();
  }
}
