package org.uvm4j.kernel;

import org.uvm4j.kernel.elf.ElfLoader;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.uvm.Errno;

/**
 * A process's resource limits ({@code struct rlimit} per resource, {@code kern_resource.c}): a soft
 * and a hard value each, unsigned, {@link #INFINITY} meaning none. Inherited across fork and exec.
 *
 * <p>Invariant: {@code cur <= max} (unsigned) for every resource. The guest runs as an ordinary
 * user ({@link Kernel#UID}), so a hard limit can be lowered but never raised (EPERM), as on Linux
 * without CAP_SYS_RESOURCE; hard limits start at what uvm4j can give (descriptors: {@link
 * FileTable#MAX_FDS}; processes: {@link ProcTable#PID_MAX}).
 *
 * <p>Enforced: CPU (SIGXCPU at the soft limit and every second after, SIGKILL at the hard limit, on
 * the virtual clock: 1 ns per retired instruction), AS (mmap/brk/mremap growth beyond it → ENOMEM),
 * NOFILE (no descriptor at or above it → EMFILE), NPROC (fork while that many processes live →
 * EAGAIN), STACK (the stack region of the next exec). The others are kept and reported only.
 */
public final class ResourceLimits {
  public static final int RLIMIT_CPU = 0;
  public static final int RLIMIT_FSIZE = 1;
  public static final int RLIMIT_DATA = 2;
  public static final int RLIMIT_STACK = 3;
  public static final int RLIMIT_CORE = 4;
  public static final int RLIMIT_NPROC = 6;
  public static final int RLIMIT_NOFILE = 7;
  public static final int RLIMIT_MEMLOCK = 8;
  public static final int RLIMIT_AS = 9;

  /** RLIM_NLIMITS. */
  public static final int NLIMITS = 16;

  /** RLIM_INFINITY ((rlim_t) -1). */
  public static final long INFINITY = -1L;

  /** Linux's default soft limit of descriptors. */
  public static final long DEFAULT_NOFILE = FileTable.MAX_FDS;

  /** Linux's default RLIMIT_MEMLOCK: 8 MiB. */
  public static final long DEFAULT_MEMLOCK = 8L << 20;

  private final long[] cur = new long[NLIMITS];
  private final long[] max = new long[NLIMITS];

  private ResourceLimits() {}

  /** The limits of the first process. */
  public static ResourceLimits defaults() {
    ResourceLimits l = new ResourceLimits();
    java.util.Arrays.fill(l.cur, INFINITY);
    java.util.Arrays.fill(l.max, INFINITY);
    l.cur[RLIMIT_STACK] = ElfLoader.STACK_SIZE;
    l.cur[RLIMIT_CORE] = 0;
    l.cur[RLIMIT_NOFILE] = DEFAULT_NOFILE;
    l.max[RLIMIT_NOFILE] = FileTable.MAX_FDS;
    l.cur[RLIMIT_NPROC] = ProcTable.PID_MAX;
    l.max[RLIMIT_NPROC] = ProcTable.PID_MAX;
    l.cur[RLIMIT_MEMLOCK] = DEFAULT_MEMLOCK;
    l.max[RLIMIT_MEMLOCK] = DEFAULT_MEMLOCK;
    return l;
  }

  /** A copy (fork). */
  public ResourceLimits copy() {
    ResourceLimits l = new ResourceLimits();
    System.arraycopy(cur, 0, l.cur, 0, NLIMITS);
    System.arraycopy(max, 0, l.max, 0, NLIMITS);
    return l;
  }

  /** The soft limit of {@code resource}. */
  public long cur(int resource) {
    return cur[resource];
  }

  /** The hard limit of {@code resource}. */
  public long max(int resource) {
    return max[resource];
  }

  /**
   * True if {@code value} (unsigned) stays within the soft limit of {@code resource}: {@code value
   * <= cur}.
   */
  public boolean allows(int resource, long value) {
    return cur[resource] == INFINITY || Long.compareUnsigned(value, cur[resource]) <= 0;
  }

  /**
   * do_prlimit: sets {@code resource} to (newCur, newMax).
   *
   * @return 0, EINVAL (soft above hard, or beyond what uvm4j can give for NOFILE), EPERM (hard
   *     raised)
   */
  // kern_resource.c: do_prlimit
  public int set(int resource, long newCur, long newMax) {
    if (Long.compareUnsigned(newCur, newMax) > 0) {
      return Errno.EINVAL;
    }
    if (resource == RLIMIT_NOFILE && Long.compareUnsigned(newMax, FileTable.MAX_FDS) > 0) {
      // nr_open: Linux refuses a descriptor limit beyond fs.nr_open with EPERM
      return Errno.EPERM;
    }
    if (Long.compareUnsigned(newMax, max[resource]) > 0) {
      return Errno.EPERM;
    }
    cur[resource] = newCur;
    max[resource] = newMax;
    return 0;
  }

  /** True if the CPU limit is finite (the process's runs must be cut to look at its clock). */
  public boolean cpuLimited() {
    return cur[RLIMIT_CPU] != INFINITY || max[RLIMIT_CPU] != INFINITY;
  }
}
