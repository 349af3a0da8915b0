package studio.tally.server.hub;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One connection that publishes or plays, as the status API lists it (SRS {@code /api/v1/clients}).
 * {@code kick} closes the connection from any thread.
 */
public final class Client {

  /** SRS's client type names, so SRS dashboards read ours. */
  public enum Type {
    RTMP_PUBLISH("fmle-publish", true),
    RTMP_PLAY("rtmp-play", false),
    FLV_PLAY("flv-play", false),
    RTC_PUBLISH("rtc-publish", true),
    RTC_PLAY("rtc-play", false);

    public final String srsName;
    public final boolean publish;

    Type(String srsName, boolean publish) {
      this.srsName = srsName;
      this.publish = publish;
    }
  }

  private final String id;
  private final Type type;
  private final String ip;
  private final StreamKey stream;
  private final String tcUrl;
  private final String pageUrl;
  private final Instant connectedAt;
  private final Consumer<String> kick;
  public final LongAdder sendBytes = new LongAdder();
  public final LongAdder recvBytes = new LongAdder();
  public final ByteRate sendRate = new ByteRate(sendBytes::sum);
  public final ByteRate recvRate = new ByteRate(recvBytes::sum);

  public Client(String id, Type type, String ip, StreamKey stream, String tcUrl, String pageUrl, Instant connectedAt,
      Consumer<String> kick) {
    this.id = id;
    this.type = type;
    this.ip = ip;
    this.stream = stream;
    this.tcUrl = tcUrl == null ? "" : tcUrl;
    this.pageUrl = pageUrl == null ? "" : pageUrl;
    this.connectedAt = connectedAt;
    this.kick = kick;
  }

  public String id() {
    return id;
  }

  public Type type() {
    return type;
  }

  public String ip() {
    return ip;
  }

  public StreamKey stream() {
    return stream;
  }

  public String tcUrl() {
    return tcUrl;
  }

  public String pageUrl() {
    return pageUrl;
  }

  public Instant connectedAt() {
    return connectedAt;
  }

  /** Closes the connection; safe from any thread, idempotent. */
  public void kick(String reason) {
    kick.accept(reason);
  }
}
