package studio.tally.proto.amf;

import java.util.LinkedHashMap;
import java.util.Objects;

/** AMF0 typed object (marker 0x10): a class name followed by the properties of an anonymous object. */
public record AmfTypedObject(String className, LinkedHashMap<String, Object> properties) {
  public AmfTypedObject {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(properties, "properties");
  }
}
