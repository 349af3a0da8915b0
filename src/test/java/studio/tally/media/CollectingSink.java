package studio.tally.media;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test sink: keeps the format and every packet, and forwards to more sinks (e.g. a Recorder). */
public final class CollectingSink implements PacketSink {
  public volatile StreamFormat format;
  public final List<EncodedPacket> packets = new CopyOnWriteArrayList<>();
  public volatile boolean closed;
  private final List<PacketSink> forward = new ArrayList<>();

  public CollectingSink(PacketSink... more) {
    forward.addAll(List.of(more));
  }

  @Override
  public void onFormat(StreamFormat f) {
    format = f;
    forward.forEach(s -> s.onFormat(f));
  }

  @Override
  public void onPacket(EncodedPacket packet) {
    packets.add(packet);
    forward.forEach(s -> s.onPacket(packet));
  }

  @Override
  public void close() {
    closed = true;
    forward.forEach(PacketSink::close);
  }

  public List<EncodedPacket> video() {
    return packets.stream().filter(EncodedPacket::isVideo).toList();
  }

  public List<EncodedPacket> audio() {
    return packets.stream().filter(p -> !p.isVideo()).toList();
  }
}
