package org.uvm4j.machine.ram;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Host pages through libc's {@code mmap}, {@code mprotect} and {@code munmap} (JNA direct mapping):
 * the emulated RAM's regions ({@link MmapRamBacking}) and the JNA binding's page of native code
 * (its preemption hook). Linux's flag values; each call throws {@link LastErrorException} with the
 * host's errno when it fails.
 */
public final class HostPages {
  public static final int PROT_READ = 0x1;
  public static final int PROT_WRITE = 0x2;
  public static final int PROT_EXEC = 0x4;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_ANONYMOUS = 0x20;
  public static final int MAP_NORESERVE = 0x4000;
  public static final int MADV_HUGEPAGE = 14;

  static {
    // the class named, not found by a stack walk (Native.register(String)), which generated a
    // dozen classes at every start (docs/benchmarks.md, start-up)
    Native.register(HostPages.class, Platform.C_LIBRARY_NAME);
  }

  private HostPages() {}

  /** Runs the static initialiser (the registration) once, so that a failure shows early. */
  public static void ensureRegistered() {}

  /** {@code mmap(addr, length, prot, flags, fd, offset)}. */
  public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
      throws LastErrorException;

  /** {@code mprotect(addr, length, prot)}. */
  public static native int mprotect(long addr, long length, int prot) throws LastErrorException;

  /** {@code madvise(addr, length, advice)}. */
  public static native int madvise(long addr, long length, int advice) throws LastErrorException;

  /** {@code munmap(addr, length)}. */
  public static native int munmap(long addr, long length) throws LastErrorException;
}
