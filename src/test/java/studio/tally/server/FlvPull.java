package studio.tally.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP-FLV player written from scratch for the tests: sends {@code GET /app/stream.flv}, checks
 * the FLV header and reads tag after tag on its own thread, checking each PreviousTagSize. It counts
 * bytes, video keyframes and sequence headers and records every timestamp that goes backwards.
 */
final class FlvPull implements AutoCloseable {
  private final Socket socket;
  private final Thread reader;
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong videoTags = new AtomicLong();
  final AtomicLong audioTags = new AtomicLong();
  final AtomicLong keyframes = new AtomicLong();
  final AtomicLong videoSequenceHeaders = new AtomicLong();
  private final List<String> backwards = new ArrayList<>();
  private volatile int status;
  private volatile boolean eof;
  private volatile Throwable error;
  private volatile boolean closing;
  private long lastVideoTs = -1;
  private long lastAudioTs = -1;
  private long lastTs = -1;
  volatile long maxTs = -1;

  private FlvPull(Socket socket, String path) throws IOException {
    this.socket = socket;
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: flv-pull\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    this.reader = Thread.ofPlatform().daemon().name("flv-pull " + path).start(this::run);
  }

  static FlvPull open(int port, boolean tls, String path) {
    try {
      return new FlvPull(RawHttp.open(port, tls), path);
    } catch (IOException e) {
      throw new AssertionError("cannot open " + path, e);
    }
  }

  int status() {
    return status;
  }

  /** The server ended the response (clean EOF at a tag boundary). */
  boolean sawEof() {
    return eof;
  }

  /** A read error or malformed FLV (null while all is well). */
  Throwable error() {
    return error;
  }

  synchronized List<String> backwards() {
    return List.copyOf(backwards);
  }

  @Override
  public synchronized String toString() {
    return "FlvPull[status=" + status + ", bytes=" + bytes + ", video=" + videoTags + ", audio=" + audioTags
        + ", keyframes=" + keyframes + ", seqHeaders=" + videoSequenceHeaders + ", maxTs=" + maxTs + ", eof=" + eof
        + ", error=" + error + ", backwards=" + backwards.size() + "]";
  }

  private void run() {
    try (InputStream raw = socket.getInputStream()) {
      DataInputStream in = new DataInputStream(raw);
      status = readHeaders(in);
      if (status != 200) {
        return;
      }
      byte[] header = new byte[13];
      in.readFully(header);
      bytes.addAndGet(13);
      if (header[0] != 'F' || header[1] != 'L' || header[2] != 'V' || header[3] != 1) {
        throw new IOException("not an FLV header");
      }
      byte[] tagHeader = new byte[11];
      while (true) {
        int first = in.read();
        if (first < 0) {
          eof = true;
          return;
        }
        tagHeader[0] = (byte) first;
        in.readFully(tagHeader, 1, 10);
        int type = tagHeader[0] & 0x1F;
        int size = u24(tagHeader, 1);
        long ts = (u24(tagHeader, 4) | ((tagHeader[7] & 0xFFL) << 24));
        byte[] body = new byte[size];
        in.readFully(body);
        int prev = in.readInt();
        if (prev != size + 11) {
          throw new IOException("PreviousTagSize " + prev + " after a tag of " + size + " bytes");
        }
        bytes.addAndGet(11 + size + 4);
        onTag(type, ts, body);
      }
    } catch (EOFException e) {
      eof = true; // the server closed mid-tag: still an end, but say so
      error = closing ? null : e;
    } catch (Throwable t) {
      if (!closing) {
        error = t;
      }
    }
  }

  private synchronized void onTag(int type, long ts, byte[] body) {
    if (type == 9 && body.length > 0) {
      videoTags.incrementAndGet();
      int b0 = body[0] & 0xFF;
      boolean enhanced = (b0 & 0x80) != 0;
      int frameType = (b0 >> 4) & 0x07;
      boolean sequenceHeader = enhanced ? (b0 & 0x0F) == 0 : body.length > 1 && body[1] == 0;
      if (sequenceHeader) {
        videoSequenceHeaders.incrementAndGet();
      } else if (frameType == 1) {
        keyframes.incrementAndGet();
      }
      if (ts < lastVideoTs) {
        backwards.add("video " + lastVideoTs + " -> " + ts);
      }
      lastVideoTs = ts;
    } else if (type == 8) {
      audioTags.incrementAndGet();
      if (ts < lastAudioTs) {
        backwards.add("audio " + lastAudioTs + " -> " + ts);
      }
      lastAudioTs = ts;
    }
    if (type == 8 || type == 9) {
      if (ts < lastTs) {
        backwards.add((type == 8 ? "audio" : "video") + " after the other track: " + lastTs + " -> " + ts);
      }
      lastTs = Math.max(lastTs, ts);
      maxTs = lastTs;
    }
  }

  private static int readHeaders(DataInputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("closed inside the response header: " + sb);
      }
      sb.append((char) c);
    }
    return Integer.parseInt(sb.substring(9, 12));
  }

  private static int u24(byte[] b, int at) {
    return ((b[at] & 0xFF) << 16) | ((b[at + 1] & 0xFF) << 8) | (b[at + 2] & 0xFF);
  }

  @Override
  public void close() {
    closing = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
