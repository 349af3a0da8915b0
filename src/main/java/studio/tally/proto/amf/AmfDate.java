package studio.tally.proto.amf;

/**
 * AMF0 date (marker 0x0B): milliseconds since the Unix epoch (UTC) as a double, and a time-zone field
 * the spec says to write as 0 and readers to ignore.
 */
public record AmfDate(double epochMillis, short timeZone) {
  public AmfDate(double epochMillis) {
    this(epochMillis, (short) 0);
  }
}
