package studio.tally.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules the per-package allow-lists ({@link PackageAllowListTest}, the source of truth for what each
 * package imports) cannot say: proto has no threads or sockets although it may use the JDK, and each
 * heavy third-party stack has exactly one home.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importProduction() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("studio.tally");
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
  void ffmpegLivesOnlyInMedia() {
    noClasses().that().resideOutsideOfPackage("studio.tally.media..")
        .should().dependOnClassesThat().resideInAPackage("org.bytedeco..")
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
