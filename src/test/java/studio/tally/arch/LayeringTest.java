package studio.tally.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The architecture (docs/architecture.md): dependencies point down. These rules keep the layering from rotting. */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importProduction() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("studio.tally");
  }

  @Test
  void protoImportsNothingOfOursButProto() {
    noClasses().that().resideInAPackage("studio.tally.proto..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.cli..", "studio.tally.ui..", "studio.tally.server..", "studio.tally.media..",
            "studio.tally.output..", "studio.tally.rtc..", "studio.tally.play..", "studio.tally.signaling..",
            "studio.tally.config..", "studio.tally.webrtc..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void protoHasNoThreadsSocketsOrJavaFx() {
    noClasses().that().resideInAPackage("studio.tally.proto..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "java.net..", "java.nio.channels..", "io.netty.channel..", "javafx..", "org.bytedeco..")
        .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void serverRunsHeadless() {
    noClasses().that().resideInAPackage("studio.tally.server..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.ui..", "studio.tally.media..", "studio.tally.cli..", "javafx..", "org.bytedeco..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void ffmpegLivesOnlyInMedia() {
    noClasses().that().resideOutsideOfPackage("studio.tally.media..")
        .should().dependOnClassesThat().resideInAPackage("org.bytedeco..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void rtcUsesOnlyProtoOutputSignalingAndConfig() {
    // signaling sits below rtc: call sessions drive the signaling client
    noClasses().that().resideInAPackage("studio.tally.rtc..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.server..", "studio.tally.ui..", "studio.tally.cli..", "studio.tally.media..",
            "studio.tally.play..", "javafx..", "org.bytedeco..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void signalingUsesOnlyProtoAndNetty() {
    noClasses().that().resideInAPackage("studio.tally.signaling..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.server..", "studio.tally.ui..", "studio.tally.cli..", "studio.tally.media..",
            "studio.tally.output..", "studio.tally.rtc..", "studio.tally.play..", "studio.tally.live..",
            "studio.tally.config..", "javafx..", "org.bytedeco..", "dev.onvoid..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void playUsesMediaOutputRtcAndProtoOnly() {
    // players decode through media (FFmpeg stays there), borrow output's TLS trust and RTMP URL,
    // speak proto's codecs, and receive WHEP / webrtc:// through rtc's libwebrtc glue (rtc never
    // imports play: the QA meter and failures stay here)
    noClasses().that().resideInAPackage("studio.tally.play..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.server..", "studio.tally.ui..", "studio.tally.cli..", "studio.tally.live..",
            "studio.tally.signaling..", "studio.tally.config..", "javafx..", "org.bytedeco..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void webrtcUsesOnlyProtoNettyAndBouncyCastle() {
    // our own WebRTC transport, shared by the server's SFU and output's WHIP destination
    noClasses().that().resideInAPackage("studio.tally.webrtc..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.cli..", "studio.tally.ui..", "studio.tally.live..", "studio.tally.server..",
            "studio.tally.media..", "studio.tally.output..", "studio.tally.rtc..", "studio.tally.play..",
            "studio.tally.signaling..", "studio.tally.config..", "javafx..", "org.bytedeco..", "dev.onvoid..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void lowerLayersNeverReachUp() {
    noClasses().that().resideInAnyPackage("studio.tally.output..", "studio.tally.rtc..", "studio.tally.play..",
            "studio.tally.signaling..", "studio.tally.server..", "studio.tally.media..", "studio.tally.config..",
            "studio.tally.webrtc..")
        .should().dependOnClassesThat().resideInAnyPackage("studio.tally.ui..", "studio.tally.cli..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void configImportsNothingOfOursButProto() {
    noClasses().that().resideInAPackage("studio.tally.config..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.cli..", "studio.tally.ui..", "studio.tally.server..", "studio.tally.media..",
            "studio.tally.output..", "studio.tally.rtc..", "studio.tally.play..", "studio.tally.signaling..",
            "studio.tally.live..", "javafx..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void liveIsHeadless() {
    noClasses().that().resideInAPackage("studio.tally.live..")
        .should().dependOnClassesThat().resideInAnyPackage("studio.tally.ui..", "studio.tally.cli..", "javafx..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void onlyUiAndCliUseLive() {
    noClasses().that().resideInAnyPackage("studio.tally.proto..", "studio.tally.media..", "studio.tally.output..",
            "studio.tally.server..", "studio.tally.rtc..", "studio.tally.play..", "studio.tally.signaling..",
            "studio.tally.config..")
        .should().dependOnClassesThat().resideInAPackage("studio.tally.live..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void protocolPackagesAreFreeOfCycles() {
    SlicesRuleDefinition.slices().matching("studio.tally.proto.(*)..")
        .should().beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void uiTalksToTheEngineOnly() {
    noClasses().that().resideInAPackage("studio.tally.ui..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "studio.tally.server..", "studio.tally.output..", "studio.tally.media..", "studio.tally.rtc..",
            "studio.tally.play..", "studio.tally.signaling..", "studio.tally.proto..", "studio.tally.cli..",
            "org.bytedeco..", "io.netty..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void javaFxLivesOnlyInUi() {
    noClasses().that().resideOutsideOfPackage("studio.tally.ui..")
        .should().dependOnClassesThat().resideInAnyPackage("javafx..", "atlantafx..", "org.kordamp.ikonli..")
        .allowEmptyShould(true)
        .check(classes);
  }
}
