package org.uvm4j.kernel.syscall;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.KernelCounters;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SyscallLayer;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The system call table ({@code sysent}) and the syscall edge: rows indexed by Linux x86-64 number
 * (declared in {@link Linux64}), dispatch through one reused {@link SyscallContext}. An unsupported
 * or unknown number answers ENOSYS, as a Linux kernel without that call does: it is counted by name
 * ({@link KernelCounters#enosys}, printed by {@code --stats} as {@code enosys NAME COUNT}) and
 * logged once at INFO on {@code kern.syscall} (with the reason for a declared-unsupported call), so
 * that nothing of uvm4j's own appears on the guest's stderr; {@code --log-file} collects it. A
 * {@link UvmException} out of a handler becomes its {@code -errno}: this is where the kernel's
 * positive errnos turn into Linux return values.
 *
 * <p>Invariant: at most one row per number; the context belongs to the kernel's one CPU thread.
 */
public final class SyscallTable implements SyscallLayer {
  private static final Logger log = LogManager.getLogger("kern.syscall");

  private final SyscallEntry[] rows = new SyscallEntry[Syscall.MAX];
  private final List<SyscallEntry> entries;
  private final BitSet warned = new BitSet();
  private final KernelCounters counters;
  private final SyscallContext ctx = new SyscallContext();

  /** A table of {@code entries}, counting calls in {@code counters}. */
  public SyscallTable(List<SyscallEntry> entries, KernelCounters counters) {
    this.counters = counters;
    List<SyscallEntry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Integer.compare(a.nr(), b.nr()));
    for (SyscallEntry e : sorted) {
      if (rows[e.nr()] != null) {
        throw new IllegalStateException(
            "syscall " + e.nr() + " declared twice: " + rows[e.nr()].name() + ", " + e.name());
      }
      rows[e.nr()] = e;
    }
    this.entries = Collections.unmodifiableList(sorted);
  }

  /** Every declared row, by number. */
  public List<SyscallEntry> entries() {
    return entries;
  }

  /** The name of syscall {@code nr}, or {@code "syscall_NR"} if the table does not know it. */
  public String name(long nr) {
    SyscallEntry e = row(nr);
    return e != null ? e.name() : "syscall_" + nr;
  }

  /** True when {@code nr} has a handler. */
  public boolean implemented(long nr) {
    SyscallEntry e = row(nr);
    return e != null && e.handler() != null;
  }

  private SyscallEntry row(long nr) {
    return nr >= 0 && nr < Syscall.MAX ? rows[(int) nr] : null;
  }

  @Override
  public long ia32ToX64(long nr) {
    Ia32Syscalls.Call c = Ia32Syscalls.lookup(nr);
    return c == null ? -1 : c.x64();
  }

  @Override
  public long ia32Arg(long nr, int i, long reg) {
    Ia32Syscalls.Call c = Ia32Syscalls.lookup(nr);
    return c == null ? reg & 0xffffffffL : c.arg(i, reg);
  }

  @Override
  public long dispatch(Proc p, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    counters.syscalls++;
    // the number is an int (do_syscall_64's int nr): RAX's upper half is ignored
    nr = (int) nr;
    SyscallEntry e = row(nr);
    if (e == null || e.handler() == null) {
      if (nr < 0 || nr >= Integer.MAX_VALUE || !warned.get((int) nr)) {
        if (nr >= 0 && nr < Integer.MAX_VALUE) {
          warned.set((int) nr);
        }
        if (e == null) {
          log.info("unimplemented syscall {} called by {}: ENOSYS", nr, p);
        } else {
          log.info(
              "unsupported syscall {} ({}: {}) called by {}: ENOSYS", nr, e.name(), e.note(), p);
        }
      }
      counters.countEnosys(name(nr));
      return -Errno.ENOSYS;
    }
    long r = call(e.handler(), ctx.set(p, (int) nr, a0, a1, a2, a3, a4, a5));
    if (log.isTraceEnabled()) {
      log.trace(
          "{} {}(0x{}, 0x{}, 0x{}, 0x{}) = {}",
          p,
          e.name(),
          Long.toHexString(a0),
          Long.toHexString(a1),
          Long.toHexString(a2),
          Long.toHexString(a3),
          r == Syscall.ERESTART ? "ERESTART" : r == Syscall.EJUSTRETURN ? "EJUSTRETURN" : r);
    }
    return r;
  }

  /**
   * Runs one handler: its Linux value, or {@code -errno} of the exception it threw. A host
   * allocation the guest drove past the JVM's heap ({@link OutOfMemoryError}) fails that one call
   * with ENOMEM, as an overcommitting kernel fails an allocation it cannot back; the heap is free
   * again once the failed allocation is gone.
   */
  static long call(SyscallHandler h, SyscallContext c) {
    try {
      return h.call(c);
    } catch (UvmException e) {
      return -e.errno();
    } catch (OutOfMemoryError e) {
      hostOom(e);
      return -Errno.ENOMEM;
    }
  }

  private static void hostOom(OutOfMemoryError e) {
    org.apache.logging.log4j.LogManager.getLogger("kern.syscall")
        .warn("a system call ran out of host memory ({}): ENOMEM", e.getMessage());
  }
}
