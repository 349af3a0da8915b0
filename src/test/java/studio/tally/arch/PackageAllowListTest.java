package studio.tally.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package map as an allow-list: for every top-level package of {@code studio.tally}, exactly what
 * its classes may import (ours and third-party). This is the source of truth for the package map in
 * docs/architecture.md. Adding an import of a package not listed here is a design change: change the
 * list (and the map) on purpose, or put the code where it belongs.
 *
 * <p>Besides the allow-lists: no package cycles inside any top-level package (every package is its own
 * slice, the top-level package's root included), and Netty only where we speak a network protocol.
 */
class PackageAllowListTest {
  private static final String BASE = "studio.tally.";

  /** Everyone may use the JDK and log. */
  private static final List<String> EVERYONE = List.of("java..", "javax..", "org.slf4j..");

  private static final List<String> NETTY = List.of("io.netty..");
  private static final List<String> JACKSON = List.of("com.fasterxml.jackson..");
  private static final List<String> BOUNCY_CASTLE = List.of("org.bouncycastle..");
  private static final List<String> FFMPEG = List.of("org.bytedeco..");
  private static final List<String> JAVAFX = List.of("javafx..", "atlantafx..", "org.kordamp.ikonli..");

  /**
   * What each top-level package may import besides itself and {@link #EVERYONE}. Ours are named by
   * their top-level package (all of it) unless a single package is named with its full path.
   */
  static final Map<String, List<String>> ALLOWED = Map.ofEntries(
      // pure codecs: Netty buffers only (no channels, no event loops), Jackson for the signaling messages' JSON
      Map.entry("proto", List.of("io.netty.buffer..", "io.netty.util", "com.fasterxml.jackson..")),
      // settings records and their JSON store
      Map.entry("config", JACKSON),
      // our WebRTC transport (ICE, DTLS, SRTP), shared by the server's SFU and output's WHIP destination
      Map.entry("webrtc", concat(ours("proto"), NETTY, BOUNCY_CASTLE)),
      // the WebSocket signaling client
      Map.entry("signaling", concat(ours("proto"), NETTY)),
      // the embedded server runs headless: no media (FFmpeg), no JavaFX, nothing above it; CPU load for the API
      Map.entry("server", concat(ours("proto", "webrtc"), NETTY, BOUNCY_CASTLE, JACKSON,
          List.of("com.sun.management"))),
      // FFmpeg lives here; it implements the server's audio-transcoder interface (server.bridge only)
      Map.entry("media", concat(ours("proto"), List.of(BASE + "server.bridge"), FFMPEG)),
      // destinations fed by media's one encode (packets, formats, the Opus transcoder for WHIP)
      Map.entry("output", concat(ours("proto", "media", "webrtc"), NETTY, JACKSON)),
      // libwebrtc (webrtc-java) glue: WHEP receive and call sessions, driving the signaling client
      Map.entry("rtc", concat(ours("proto", "signaling"), JACKSON, List.of("dev.onvoid.webrtc.."))),
      // players decode through media, borrow output's TLS trust and RTMP URL, receive WebRTC through rtc
      Map.entry("play", concat(ours("proto", "media", "output", "rtc"), NETTY, JACKSON)),
      // the studio engine wires the layers below it for ui; process CPU load; proto for the call
      // signaling's vocabulary (valid room/display names, error codes) the Call window explains;
      // Jackson to read the embedded server's SRS-style JSON API for the Server panel
      Map.entry("live", concat(ours("config", "media", "output", "play", "rtc", "signaling", "server", "proto"),
          JACKSON, List.of("com.sun.management"))),
      // JavaFX views: the engine's facade and config records only; snapshots saved as PNG through AWT
      Map.entry("ui", concat(ours("live", "config"), JAVAFX, List.of("java.awt.image", "javax.imageio.."))),
      // entry points: anything below; picocli; logback (its set-up in code, levels for --log-level); POSIX signals
      Map.entry("cli", concat(
          ours("ui", "live", "config", "media", "output", "play", "rtc", "signaling", "server", "webrtc", "proto"),
          JACKSON, List.of("picocli..", "ch.qos.logback.classic..", "ch.qos.logback.core..", "sun.misc"))));

  /**
   * Netty (network I/O) only in the packages that speak a network protocol themselves: the server,
   * the destinations, the signaling client and proto's buffers — and two more on purpose: webrtc (the
   * ICE/DTLS/SRTP transport owns its UDP/TCP channel on an event loop, and both server and output run
   * it) and play (its HTTP-FLV and RTMP sources are network clients on the player's own event loop,
   * sharing output's RTMP client handler). Moving either behind another package would only add a
   * layer of indirection around the same Netty code. live and cli hold no Netty type (the studio's
   * shared publisher thread is an output.OutputLoops).
   */
  static final List<String> NETTY_USERS = List.of("server", "output", "signaling", "proto", "webrtc", "play");

  private static JavaClasses classes;

  @BeforeAll
  static void importProduction() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("studio.tally");
  }

  static Stream<String> topLevelPackages() {
    return ALLOWED.keySet().stream().sorted();
  }

  @Test
  void everyTopLevelPackageHasAnAllowListAndEveryListedPackageExists() {
    var found = new TreeSet<String>();
    for (JavaClass c : classes) found.add(topLevel(c.getPackageName()));
    assertThat(found).containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    for (List<String> allowed : ALLOWED.values()) {
      for (String p : allowed) {
        if (!p.startsWith(BASE)) continue;
        String name = p.endsWith("..") ? p.substring(0, p.length() - 2) : p;
        assertThat(classes.stream().anyMatch(c -> c.getPackageName().equals(name) || c.getPackageName().startsWith(name + ".")))
            .as("allow-listed package %s exists", name).isTrue();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topLevelPackages")
  void importsOnlyWhatItsAllowListSays(String pkg) {
    var allowed = new ArrayList<String>();
    allowed.add(BASE + pkg + "..");
    allowed.addAll(EVERYONE);
    allowed.addAll(ALLOWED.get(pkg));
    classes().that().resideInAPackage(BASE + pkg + "..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new))
        .check(classes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topLevelPackages")
  void hasNoCyclesBetweenItsPackages(String pkg) {
    String root = BASE + pkg;
    SlicesRuleDefinition.slices().assignedFrom(new SliceAssignment() {
          @Override
          public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            return p.equals(root) || p.startsWith(root + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
          }

          @Override
          public String getDescription() {
            return "every package under " + root + " (itself included)";
          }
        })
        .should().beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void nettyOnlyWhereWeSpeakANetworkProtocol() {
    noClasses().that().resideOutsideOfPackages(NETTY_USERS.stream().map(p -> BASE + p + "..").toArray(String[]::new))
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .check(classes);
  }

  private static String topLevel(String pkg) {
    if (!pkg.startsWith(BASE)) return "(root)";
    String rest = pkg.substring(BASE.length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static List<String> ours(String... packages) {
    return Stream.of(packages).map(p -> BASE + p + "..").toList();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }
}
