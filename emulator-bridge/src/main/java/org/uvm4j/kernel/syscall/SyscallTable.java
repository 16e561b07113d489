package org.uvm4j.kernel.syscall;

import java.util.BitSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.Errno;

/**
 * The system call table ({@code sysent}): handlers indexed by Linux x86-64 number, filled by the
 * per-area classes ({@link FileSyscalls}, {@link MemorySyscalls}, {@link ProcessSyscalls}, {@link
 * SignalSyscalls}, {@link TimeSyscalls}, {@link InfoSyscalls}). An unknown number answers ENOSYS
 * and is logged once (WARN on {@code kern.syscall}).
 */
public final class SyscallTable {
  private static final Logger log = LogManager.getLogger("kern.syscall");

  private final SyscallHandler[] handlers = new SyscallHandler[Syscall.MAX];
  private final String[] names = new String[Syscall.MAX];
  private final BitSet warned = new BitSet();
  private final Kernel kernel;

  public SyscallTable(Kernel kernel) {
    this.kernel = kernel;
    new FileSyscalls(kernel).register(this);
    new MemorySyscalls(kernel).register(this);
    new ProcessSyscalls(kernel).register(this);
    new SignalSyscalls(kernel).register(this);
    new TimeSyscalls(kernel).register(this);
    new InfoSyscalls(kernel).register(this);
  }

  void register(int nr, String name, SyscallHandler h) {
    if (handlers[nr] != null) {
      throw new IllegalStateException("syscall " + nr + " registered twice");
    }
    handlers[nr] = h;
    names[nr] = name;
  }

  /** The name of syscall {@code nr}, or {@code "syscall_NR"} if the table does not know it. */
  public String name(long nr) {
    return nr >= 0 && nr < Syscall.MAX && names[(int) nr] != null
        ? names[(int) nr]
        : "syscall_" + nr;
  }

  /** True when {@code nr} has a handler. */
  public boolean implemented(long nr) {
    return nr >= 0 && nr < Syscall.MAX && handlers[(int) nr] != null;
  }

  /**
   * Runs syscall {@code nr} for {@code p} (loaded in the machine).
   *
   * @return the value for RAX, {@code -errno}, {@link Syscall#EJUSTRETURN} or {@link
   *     Syscall#ERESTART}
   */
  public long dispatch(Proc p, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    kernel.counters().syscalls++;
    SyscallHandler h = nr >= 0 && nr < Syscall.MAX ? handlers[(int) nr] : null;
    if (h == null) {
      if (nr < 0 || nr >= Integer.MAX_VALUE || !warned.get((int) nr)) {
        if (nr >= 0 && nr < Integer.MAX_VALUE) {
          warned.set((int) nr);
        }
        log.warn("unimplemented syscall {} called by {}: ENOSYS", nr, p);
      }
      return -Errno.ENOSYS;
    }
    long r = h.call(p, a0, a1, a2, a3, a4, a5);
    if (log.isTraceEnabled()) {
      log.trace(
          "{} {}(0x{}, 0x{}, 0x{}, 0x{}) = {}",
          p,
          names[(int) nr],
          Long.toHexString(a0),
          Long.toHexString(a1),
          Long.toHexString(a2),
          Long.toHexString(a3),
          r == Syscall.ERESTART ? "ERESTART" : r == Syscall.EJUSTRETURN ? "EJUSTRETURN" : r);
    }
    return r;
  }
}
