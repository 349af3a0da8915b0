package studio.tally.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The Link header values of {@link IceServerLinks} (RFC 9725 §4.6) and coturn's REST credentials. */
class IceServerLinksTest {

  @Test
  void staticCredentialsAndStunBecomeRfc9725Links() {
    var links = IceServerLinks.of(List.of("stun:198.18.0.1:3478", "turn:alice:pa55@turn.example.net:3478?transport=udp",
        "turns:bob:x@[2001:db8::1]:5349?transport=tcp"), null);
    assertThat(links.headerValues(1_000)).containsExactly(
        "<stun:198.18.0.1:3478>; rel=\"ice-server\"",
        "<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\"; username=\"alice\"; credential=\"pa55\"; credential-type=\"password\"",
        "<turns:[2001:db8::1]:5349?transport=tcp>; rel=\"ice-server\"; username=\"bob\"; credential=\"x\"; credential-type=\"password\"");
    assertThat(links.toString()).doesNotContain("pa55").contains("turn:…@turn.example.net");
  }

  @Test
  void aSecretGivesTimeLimitedRestCredentialsAsCoturnChecksThem() throws Exception {
    var links = new IceServerLinks(List.of("turn:198.18.0.1:3478", "turn:carol:static@198.18.0.1:3479"), "s3cret", 3600L);
    List<String> v = links.headerValues(1_700_000_000L);
    // coturn (use-auth-secret): password = base64(HMAC-SHA1(static-auth-secret, username)), username = "expiry:user"
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String expected = Base64.getEncoder().encodeToString(mac.doFinal("1700003600:tally".getBytes(StandardCharsets.UTF_8)));
    assertThat(v.get(0)).isEqualTo("<turn:198.18.0.1:3478>; rel=\"ice-server\"; username=\"1700003600:tally\"; credential=\""
        + expected + "\"; credential-type=\"password\"");
    assertThat(v.get(1)).as("a URL with its own credentials keeps them").contains("username=\"carol\"; credential=\"static\"");
    assertThat(links.headerValues(1_700_000_100L).get(0)).as("each answer gets fresh ones").contains("1700003700:tally")
        .doesNotContain(expected);
    assertThat(new IceServerLinks(List.of("turn:h"), "s", null).headerValues(0).get(0)).contains("username=\"86400:tally\"");
    assertThat(links.toString()).doesNotContain("s3cret").doesNotContain("static");
  }

  @Test
  void theServerConfigFileCarriesThem() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("tally-ice", ".json");
    java.nio.file.Files.writeString(file, "{\"iceServers\": {\"urls\": [\"turn:198.18.0.1:3478?transport=tcp\"],"
        + " \"turnSecret\": \"s\", \"credentialTtlSeconds\": 120}}");
    var links = studio.tally.server.ServerConfig.read(file).iceServerLinks();
    assertThat(links).isEqualTo(new IceServerLinks(List.of("turn:198.18.0.1:3478?transport=tcp"), "s", 120L));
    java.nio.file.Files.writeString(file, "{\"iceServers\": {\"urls\": [\"turn:198.18.0.1\"]}}");
    assertThatThrownBy(() -> studio.tally.server.ServerConfig.read(file)).hasMessageContaining("needs USER:PASS@");
    java.nio.file.Files.delete(file);
  }

  @Test
  void badUrlsFailWhenConfiguredWithTheReason() {
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:198.18.0.1:3478"), null))
        .hasMessageContaining("needs USER:PASS@ or a TURN secret");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("http://x"), null)).hasMessageContaining("must be stun:");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("stun:u:p@host"), null)).hasMessageContaining("STUN takes no credentials");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:u:p@host?transport=sctp"), null)).hasMessageContaining("transport=sctp");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:u:p@host:99999"), null)).hasMessageContaining("port");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:u:p@ho st"), null)).hasMessageContaining("is not HOST[:PORT]");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:u:p\"w@host"), null)).hasMessageContaining("quotes")
        .hasMessageNotContaining("p\"w");
    assertThatThrownBy(() -> IceServerLinks.of(List.of("turn:host"), "")).hasMessageContaining("secret is empty");
    assertThatThrownBy(() -> new IceServerLinks(List.of("turn:host"), "s", 5L)).hasMessageContaining("60..2592000");
  }
}
