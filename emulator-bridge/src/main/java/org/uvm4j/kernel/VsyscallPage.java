package org.uvm4j.kernel;

import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Prot;

/**
 * The legacy vsyscall page at {@link #ADDRESS}, in Linux's default {@code vsyscall=xonly} mode:
 * nothing is mapped there (a read or write is an ordinary page fault on a kernel address, error
 * code with the protection bit), but an instruction fetch at one of its three entry points is
 * emulated as Linux's {@code emulate_vsyscall} does: offset 0x0 is gettimeofday, 0x400 time, 0x800
 * getcpu; the call runs (its pointers checked as {@code write_ok_or_segv} does), RAX gets the
 * result, and a {@code ret} is emulated (RIP from the stack, RSP + 8). A fetch elsewhere in the
 * page ("misaligned vsyscall"), a return address that cannot be read, or a bad pointer give SIGSEGV
 * (SI_KERNEL; a pointer outside user space SEGV_MAPERR at it first, with its page-fault state). The
 * page is listed in /proc/PID/maps ({@link #MAPS_LINE}) as Linux lists its gate area, after every
 * mapping; {@code process_vm_readv} of it fails with EFAULT (no mapping holds it).
 *
 * <p>The emulated call is one instruction for a single-step trap: the trap after the {@code call}
 * reports RIP at the entry point, and the next one comes after the caller's next instruction.
 */
final class VsyscallPage {
  /** {@code VSYSCALL_ADDR}. */
  static final long ADDRESS = 0xffff_ffff_ff60_0000L;

  /** The page's line in /proc/PID/maps ({@code --xp}: execute only). */
  static final String MAPS_LINE =
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]";

  private static final int NR_GETTIMEOFDAY = 96;
  private static final int NR_TIME = 201;
  private static final int NR_GETCPU = 309;

  private final SyscallLayer syscalls;
  private final SignalDelivery signals;

  VsyscallPage(SyscallLayer syscalls, SignalDelivery signals) {
    this.syscalls = syscalls;
    this.signals = signals;
  }

  /** Whether {@code address} lies in the vsyscall page ({@code is_vsyscall_vaddr}). */
  static boolean contains(long address) {
    return (address & ~0xfffL) == ADDRESS;
  }

  /**
   * A user fault in the vsyscall page at {@code address} (an {@code access} of {@link Prot} bits)
   * by {@code p}, which is loaded in {@code m}.
   *
   * @return true if it was handled here (emulated, or SIGSEGV forced); false if it is an ordinary
   *     page fault (a write, or a read: not at RIP)
   */
  // arch/x86/entry/vsyscall/vsyscall_64.c: emulate_vsyscall
  boolean emulate(Proc p, Machine m, long address, int access) {
    if ((access & Prot.WRITE) != 0) {
      return false; // write faults never get fixed up
    }
    if (address != m.reg(Reg.RIP)) {
      return false; // a failed read of the page
    }
    int nr = vsyscallNr(address);
    if (nr < 0) {
      signals.force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV)); // misaligned vsyscall
      return true;
    }
    long sp = m.reg(Reg.RSP);
    byte[] word = new byte[8];
    if (p.vm.copyin(sp, word, 0, 8) != 0) {
      signals.force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV)); // bad stack
      return true;
    }
    long caller = java.nio.ByteBuffer.wrap(word).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    long di = m.reg(Reg.RDI);
    long si = m.reg(Reg.RSI);
    long ret;
    switch (nr) {
      case 0 -> {
        if (!writeOkOrSegv(p, di, 16) || !writeOkOrSegv(p, si, 8)) {
          return true;
        }
        ret = syscalls.dispatch(p, NR_GETTIMEOFDAY, di, si, 0, 0, 0, 0);
      }
      case 1 -> {
        if (!writeOkOrSegv(p, di, 8)) {
          return true;
        }
        ret = syscalls.dispatch(p, NR_TIME, di, 0, 0, 0, 0, 0);
      }
      default -> {
        if (!writeOkOrSegv(p, di, 4) || !writeOkOrSegv(p, si, 4)) {
          return true;
        }
        ret = syscalls.dispatch(p, NR_GETCPU, di, si, 0, 0, 0, 0); // RDX (cache) as 0
      }
    }
    if (ret == SyscallLayer.EFAULT) {
      signals.force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV)); // vsyscall fault
      return true;
    }
    m.setReg(Reg.RAX, ret);
    m.setReg(Reg.RIP, caller); // emulate a ret instruction
    m.setReg(Reg.RSP, sp + 8);
    return true;
  }

  /** {@code addr_to_vsyscall_nr}: 0, 1, 2 for the three entry points, else -1. */
  static int vsyscallNr(long address) {
    if ((address & ~0xc00L) != ADDRESS) {
      return -1;
    }
    int nr = (int) ((address & 0xc00L) >> 10);
    return nr >= 3 ? -1 : nr;
  }

  /**
   * {@code write_ok_or_segv}: a pointer the call may write {@code size} bytes at must lie in user
   * space (NULL is fine: nothing is written); else SIGSEGV SEGV_MAPERR at it, with the page-fault
   * state of a user write. Linux then also forces a SIGSEGV with SI_KERNEL (its "vsyscall fault"
   * path), which the pending SIGSEGV absorbs (legacy signals queue once): the handler sees this
   * one, so no second one is sent here.
   */
  private boolean writeOkOrSegv(Proc p, long ptr, long size) {
    if (Long.compareUnsigned(ptr, TrapState.TASK_SIZE_MAX - size) <= 0) {
      return true;
    }
    p.trap.pageFault(ptr, TrapState.X86_PF_USER | TrapState.X86_PF_WRITE);
    signals.force(p, Signals.SIGSEGV, SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, ptr));
    return false;
  }
}
