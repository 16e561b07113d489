package org.uvm4j.kernel.fs;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The two host FIFO questions the JDK cannot ask, answered with libc's non-blocking {@code open}
 * (through JNA, as {@link HostStatBlocks} calls {@code stat}): whether a FIFO has a reader now
 * ({@code open(O_WRONLY|O_NONBLOCK)} is ENXIO otherwise), and unblocking a helper thread that waits
 * (or is about to wait) in a blocking host open by being the other end until that open returned.
 * Every open is O_NOFOLLOW and O_CLOEXEC and closed at once. Where libc cannot be called, a FIFO
 * has no reader (the guest's non-blocking writer gets ENXIO) and a helper stays blocked until a
 * host process opens the other end (one INFO line on {@code kern.fs}).
 */
final class HostFifoProbe {
  private static final Logger log = LogManager.getLogger("kern.fs");

  private static final int O_WRONLY = 1;
  private static final int O_RDWR = 2;
  private static final int O_NONBLOCK = 04000;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;

  /** libc's open and close. */
  interface LibC extends Library {
    int open(String path, int flags);

    int close(int fd);
  }

  private static final LibC LIBC = load();

  private HostFifoProbe() {}

  private static LibC load() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      log.info("host FIFOs: not a Linux host, non-blocking writers see no reader");
      return null;
    }
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError | RuntimeException e) {
      log.info("host FIFOs: libc's open cannot be called ({})", e.toString());
      return null;
    }
  }

  /** True when the FIFO at {@code path} has a reader now. */
  static boolean hasReader(Path path) {
    return tryOpen(path, O_WRONLY);
  }

  /**
   * Opens the FIFO at {@code path} O_RDWR|O_NONBLOCK (never waits; both a reader and a writer), so
   * that a host open of it that waits, or is about to wait, for its other end returns; the caller
   * closes the descriptor with {@link #closePartner} once that open returned. -1 when it cannot.
   */
  static int openPartner(Path path) {
    if (LIBC == null) {
      return -1;
    }
    return LIBC.open(path.toString(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  }

  /** Closes a descriptor {@link #openPartner} returned (nothing for -1). */
  static void closePartner(int fd) {
    if (fd >= 0 && LIBC != null) {
      LIBC.close(fd);
    }
  }

  private static boolean tryOpen(Path path, int mode) {
    if (LIBC == null) {
      return false;
    }
    int fd = LIBC.open(path.toString(), mode | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      return false;
    }
    LIBC.close(fd);
    return true;
  }
}
