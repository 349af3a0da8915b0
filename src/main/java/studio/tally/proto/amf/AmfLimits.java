package studio.tally.proto.amf;

/**
 * Bounds the AMF decoder enforces before it allocates or recurses.
 *
 * @param maxDepth       deepest nesting of objects/arrays (top-level value = depth 1)
 * @param maxStringBytes longest string, long string, XML document or object key, in UTF-8 bytes
 * @param maxElements    most entries in one object, ECMA array or strict array
 */
public record AmfLimits(int maxDepth, int maxStringBytes, int maxElements) {
  public static final AmfLimits DEFAULT = new AmfLimits(32, 1 << 20, 65536);

  public AmfLimits {
    if (maxDepth < 1 || maxStringBytes < 0 || maxElements < 0) {
      throw new IllegalArgumentException("AmfLimits must be positive: " + maxDepth + ", " + maxStringBytes + ", " + maxElements);
    }
  }
}
