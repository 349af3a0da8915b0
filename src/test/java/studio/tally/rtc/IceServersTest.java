package studio.tally.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IceServersTest {
  @Test
  void stunAndTurnUrlsWithCredentialsAreSplit() {
    var stun = IceServers.parse("stun:198.18.0.1:3478");
    assertThat(stun.urls).containsExactly("stun:198.18.0.1:3478");
    assertThat(stun.username).isNull();
    var turn = IceServers.parse("turn:alice:s3cret@198.18.0.1:3478?transport=udp");
    assertThat(turn.urls).containsExactly("turn:198.18.0.1:3478?transport=udp");
    assertThat(turn.username).isEqualTo("alice");
    assertThat(turn.password).isEqualTo("s3cret");
    assertThat(IceServers.configuration(List.of("stun:a:1", "turns:u:p@b:5349")).iceServers).hasSize(2);
  }

  @Test
  void otherSchemesAreRefusedWithTheFormat() {
    assertThatThrownBy(() -> IceServers.parse("http://x")).hasMessageContaining("stun:HOST:PORT");
    assertThatThrownBy(() -> IceServers.parse("stun:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IceServers.parse("198.18.0.1:3478")).isInstanceOf(IllegalArgumentException.class);
  }
}
