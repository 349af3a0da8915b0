package studio.tally.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One studio per profile directory: an OS file lock on {@code DIR/studio.lock}, which the OS drops
 * when the process dies (even on {@code kill -9}), so a crash never leaves a stale lock. The file
 * holds the owner's pid, for the message the second studio prints. The file itself stays (deleting
 * it on exit would race a starting studio that already opened it).
 */
final class ProfileLock implements AutoCloseable {
  static final String FILE = "studio.lock";
  private final FileChannel channel;
  private final FileLock lock;

  private ProfileLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @throws UserError (exit 3) when another studio holds the profile, or (exit 2) when it cannot be locked */
  static ProfileLock acquire(Path profileDir) {
    Path file = profileDir.resolve(FILE);
    FileChannel ch = null;
    try {
      Files.createDirectories(profileDir);
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this JVM already runs a studio on it
      }
      if (lock == null) {
        String owner = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        ch.close();
        throw new UserError("another Tally Studio is already running with the profile " + profileDir.toAbsolutePath()
            + (owner.matches("\\d+") ? " (pid " + owner + ")" : "")
            + "; close it first, or start this one with --profile OTHER_DIR", 3);
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(false);
      return new ProfileLock(ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new UserError("cannot use the profile " + profileDir.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // the channel's close below releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) return;
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do: the OS drops the lock with the process
    }
  }
}
