package org.uvm4j.kernel.fs;

import static org.uvm4j.machine.host.HostLibc.O_CLOEXEC;
import static org.uvm4j.machine.host.HostLibc.O_NOFOLLOW;
import static org.uvm4j.machine.host.HostLibc.O_NONBLOCK;
import static org.uvm4j.machine.host.HostLibc.O_RDWR;
import static org.uvm4j.machine.host.HostLibc.O_WRONLY;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.host.HostCallException;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.HostLibcs;

/**
 * The two host FIFO questions the JDK cannot ask, answered with libc's non-blocking {@code open}
 * (through the process's {@link HostLibc}, FFM or JNA, as {@link HostStatBlocks} calls {@code
 * stat}): whether a FIFO has a reader now ({@code open(O_WRONLY|O_NONBLOCK)} is ENXIO otherwise),
 * and unblocking a helper thread that waits (or is about to wait) in a blocking host open by being
 * the other end until that open returned. Every open is O_NOFOLLOW and O_CLOEXEC and closed at
 * once. Where libc cannot be called, a FIFO has no reader (the guest's non-blocking writer gets
 * ENXIO) and a helper stays blocked until a host process opens the other end (one INFO line on
 * {@code kern.fs}).
 */
final class HostFifoProbe {
  private static final Logger log = LogManager.getLogger("kern.fs");

  /** The process's probe, made on first use (with the process's libc binding). */
  private static final class Shared {
    static final HostFifoProbe PROBE = new HostFifoProbe(null);
  }

  /** The binding, or null when libc cannot be called here. */
  private final HostLibc libc;

  /** A probe calling {@code libc} (null: the process's binding). */
  HostFifoProbe(HostLibc libc) {
    this.libc = load(libc);
  }

  private static HostLibc load(HostLibc given) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      log.info("host FIFOs: not a Linux host, non-blocking writers see no reader");
      return null;
    }
    try {
      return given != null ? given : HostLibcs.host();
    } catch (LinkageError | RuntimeException e) {
      log.info("host FIFOs: libc's open cannot be called ({})", e.toString());
      return null;
    }
  }

  /** True when the FIFO at {@code path} has a reader now. */
  static boolean hasReader(Path path) {
    return Shared.PROBE.readerPresent(path);
  }

  /** See {@link #openPartner}. */
  static int openPartner(Path path) {
    return Shared.PROBE.partner(path);
  }

  /** Closes a descriptor {@link #openPartner} returned (nothing for -1). */
  static void closePartner(int fd) {
    Shared.PROBE.closeDescriptor(fd);
  }

  /** True when the FIFO at {@code path} has a reader now: {@code open(O_WRONLY|O_NONBLOCK)}. */
  boolean readerPresent(Path path) {
    if (libc == null) {
      return false;
    }
    int fd;
    try {
      fd = libc.open(path.toString(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    } catch (HostCallException e) {
      return false; // ENXIO: no reader (or no FIFO there any more)
    }
    closeDescriptor(fd);
    return true;
  }

  /**
   * Opens the FIFO at {@code path} O_RDWR|O_NONBLOCK (never waits; both a reader and a writer), so
   * that a host open of it that waits, or is about to wait, for its other end returns; the caller
   * closes the descriptor with {@link #closeDescriptor} once that open returned. -1 when it cannot.
   */
  int partner(Path path) {
    if (libc == null) {
      return -1;
    }
    try {
      return libc.open(path.toString(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    } catch (HostCallException e) {
      return -1;
    }
  }

  /** Closes a descriptor {@link #partner} or the probe opened (nothing for -1). */
  void closeDescriptor(int fd) {
    if (fd >= 0 && libc != null) {
      try {
        libc.close(fd);
      } catch (HostCallException e) {
        // EINTR or EIO of a FIFO's close: the descriptor is released anyway (Linux)
      }
    }
  }
}
