package org.uvm4j.kernel.fs;

import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The allocation of a host file as the host's kernel reports it: {@code st_blocks} and {@code
 * st_blksize} of {@code struct stat}, which the JDK does not expose, read with libc's {@code
 * stat}/{@code lstat} through JNA (glibc exports both since 2.33; musl always did).
 *
 * <p>Invariant: a value is returned only for the very file the caller already examined (the same
 * {@code st_dev} and {@code st_ino}); when libc cannot be called (no such symbol, another C
 * library, a JNA failure) every call answers null and the caller falls back to an estimate from the
 * size. The first failure is logged once at INFO on {@code kern.fs}.
 */
final class HostStatBlocks {
  private static final Logger log = LogManager.getLogger("kern.fs");

  /**
   * The two libc functions used, with the kernel's x86-64 {@code struct stat} as 144 bytes: JNA's
   * direct mapping (registered natives), not an interface, whose proxy class and reflective calls
   * cost every start several milliseconds on the main thread (docs/benchmarks.md, start-up).
   */
  private static final class LibC {
    static {
      Native.register(LibC.class, "c");
    }

    private LibC() {}

    static native int stat(String path, byte[] buf);

    static native int lstat(String path, byte[] buf);
  }

  /** What libc said about a file: its identity and its allocation. */
  record Blocks(long dev, long ino, long blksize, long blocks) {}

  private static final int STAT_SIZE = 144;

  /** Whether libc's stat/lstat answer here (checked once, with lstat of "/"). */
  private static final boolean AVAILABLE = load();

  private HostStatBlocks() {}

  private static boolean load() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
        || !"amd64".equals(System.getProperty("os.arch"))) {
      log.info("st_blocks of host files is estimated from their size: not an x86-64 Linux host");
      return false;
    }
    try {
      byte[] probe = new byte[STAT_SIZE];
      if (LibC.lstat("/", probe) != 0) {
        log.info("st_blocks of host files is estimated from their size: lstat(\"/\") failed");
        return false;
      }
      return true;
    } catch (LinkageError | RuntimeException e) {
      log.info(
          "st_blocks of host files is estimated from their size: libc's stat/lstat cannot be"
              + " called ({})",
          e.toString());
      return false;
    }
  }

  /** True when libc answers (the values are real, not estimated). */
  static boolean available() {
    return AVAILABLE;
  }

  /**
   * stat (or lstat when {@code follow} is false) of {@code p} through libc, or null when libc
   * cannot be called or the call fails.
   */
  static Blocks of(Path p, boolean follow) {
    if (!AVAILABLE) {
      return null;
    }
    byte[] buf = new byte[STAT_SIZE];
    int r;
    try {
      r = follow ? LibC.stat(p.toString(), buf) : LibC.lstat(p.toString(), buf);
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
    if (r != 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    // x86-64 struct stat: st_dev 0, st_ino 8, ..., st_blksize 56, st_blocks 64
    return new Blocks(b.getLong(0), b.getLong(8), b.getLong(56), b.getLong(64));
  }
}
