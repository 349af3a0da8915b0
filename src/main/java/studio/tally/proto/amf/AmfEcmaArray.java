package studio.tally.proto.amf;

import java.util.LinkedHashMap;
import java.util.Objects;

/** AMF0 ECMA array (marker 0x08): an associative array, kept in wire order. {@code onMetaData} uses it. */
public record AmfEcmaArray(LinkedHashMap<String, Object> entries) {
  public AmfEcmaArray {
    Objects.requireNonNull(entries, "entries");
  }

  public AmfEcmaArray() {
    this(new LinkedHashMap<>());
  }
}
