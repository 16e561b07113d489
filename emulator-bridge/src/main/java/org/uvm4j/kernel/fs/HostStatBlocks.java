package org.uvm4j.kernel.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.HostLibcs;

/**
 * The allocation of a host file as the host's kernel reports it: {@code st_blocks} and {@code
 * st_blksize} of {@code struct stat}, which the JDK does not expose, read with libc's {@code
 * stat}/{@code lstat} through the process's {@link HostLibc} (FFM or JNA; glibc exports both
 * functions since 2.33, musl always did).
 *
 * <p>Invariant: a value is returned only for the very file the caller already examined (the same
 * {@code st_dev} and {@code st_ino}); when libc cannot be called (no such symbol, another C
 * library, a binding failure) every call answers null and the caller falls back to an estimate from
 * the size. The first failure is logged once at INFO on {@code kern.fs}.
 */
final class HostStatBlocks {
  private static final Logger log = LogManager.getLogger("kern.fs");

  /** What libc said about a file: its identity and its allocation. */
  record Blocks(long dev, long ino, long blksize, long blocks) {}

  /** The process's answers, made on first use (with the process's libc binding). */
  private static final class Shared {
    static final HostStatBlocks BLOCKS = new HostStatBlocks(null);
  }

  /** The binding, or null when libc's stat/lstat do not answer here (checked once). */
  private final HostLibc libc;

  /**
   * Answers through {@code libc} (null: the process's binding), after checking once, with {@code
   * lstat("/")}, that it answers.
   */
  HostStatBlocks(HostLibc libc) {
    this.libc = load(libc);
  }

  private static HostLibc load(HostLibc given) {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        || !"amd64".equals(System.getProperty("os.arch"))) {
      log.info("st_blocks of host files is estimated from their size: not an x86-64 Linux host");
      return null;
    }
    try {
      HostLibc libc = given != null ? given : HostLibcs.host();
      libc.lstat("/", new byte[HostLibc.STAT_SIZE]);
      return libc;
    } catch (LinkageError | RuntimeException e) {
      log.info(
          "st_blocks of host files is estimated from their size: libc's stat/lstat cannot be"
              + " called ({})",
          e.toString());
      return null;
    }
  }

  /** True when the process's libc answers (the values are real, not estimated). */
  static boolean available() {
    return Shared.BLOCKS.answers();
  }

  /** True when libc answers (the values are real, not estimated). */
  boolean answers() {
    return libc != null;
  }

  /**
   * stat (or lstat when {@code follow} is false) of {@code p} through the process's libc, or null
   * when libc cannot be called or the call fails.
   */
  static Blocks of(Path p, boolean follow) {
    return Shared.BLOCKS.get(p, follow);
  }

  /** As {@link #of}, through this instance's libc. */
  Blocks get(Path p, boolean follow) {
    if (libc == null) {
      return null;
    }
    byte[] buf = new byte[HostLibc.STAT_SIZE];
    try {
      if (follow) {
        libc.stat(p.toString(), buf);
      } else {
        libc.lstat(p.toString(), buf);
      }
    } catch (LinkageError | RuntimeException e) {
      return null; // HostCallException (ENOENT, a file renamed in between...) or a binding failure
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    // x86-64 struct stat: st_dev 0, st_ino 8, ..., st_blksize 56, st_blocks 64
    return new Blocks(b.getLong(0), b.getLong(8), b.getLong(56), b.getLong(64));
  }
}
