package studio.tally.ui;

import java.util.List;
import javafx.scene.control.TextField;
import studio.tally.live.Call;

/**
 * The one-line ICE servers field of the call window's Connection section and of a WHIP destination:
 * STUN/TURN URLs separated by spaces, commas or new lines ({@link Call.Connection#iceServerList}).
 * What is checked differs (libwebrtc for a call, our TURN client for WHIP: {@code live.IceServerChecks}).
 */
final class IceServersField extends TextField {
  IceServersField(String id, String prompt, List<String> urls) {
    super(String.join(" ", urls));
    setId(id);
    setPromptText(prompt);
  }

  /** The URLs as typed, split. */
  List<String> urls() {
    return Call.Connection.iceServerList(getText());
  }
}
