package org.uvm4j.kernel;

import org.uvm4j.uvm.Prot;

/**
 * What a thread's last CPU exception left behind, as Linux keeps it in {@code thread_struct}
 * ({@code trap_nr}, {@code error_code}, {@code cr2}) and shows it in every signal frame's {@code
 * sigcontext} ({@code trapno}, {@code err}, {@code cr2}): set by a page fault, a trap or a #GP that
 * sends a signal, copied by fork and clone ({@code arch_dup_task_struct}), never cleared.
 *
 * <p>The page-fault error code ({@link #pageFaultCode}) is x86's: bit 0 P (a protection fault on a
 * present translation), 1 W (a write), 2 U (from user mode, always here), 4 I (an instruction
 * fetch); Linux's {@code sanitize_error_code} sets P for every user access at or above {@link
 * #TASK_SIZE_MAX}, so as not to leak the kernel's page-table layout.
 */
public final class TrapState {
  /** x86 trap numbers. */
  public static final int X86_TRAP_DE = 0;

  public static final int X86_TRAP_DB = 1;
  public static final int X86_TRAP_BP = 3;
  public static final int X86_TRAP_UD = 6;
  public static final int X86_TRAP_GP = 13;
  public static final int X86_TRAP_PF = 14;

  /** Page-fault error code bits. */
  public static final int X86_PF_PROT = 1;

  public static final int X86_PF_WRITE = 2;
  public static final int X86_PF_USER = 4;
  public static final int X86_PF_INSTR = 16;

  /** The top of user space with 4-level paging: {@code (1 << 47) - PAGE_SIZE}. */
  public static final long TASK_SIZE_MAX = (1L << 47) - 4096;

  int trapNr;
  long errorCode;
  long cr2;

  /** The thread's last trap number (sigcontext {@code trapno}). */
  public int trapNr() {
    return trapNr;
  }

  /** The error code of that trap (sigcontext {@code err}). */
  public long errorCode() {
    return errorCode;
  }

  /** The address of the last page fault (sigcontext {@code cr2}). */
  public long cr2() {
    return cr2;
  }

  /** Linux's {@code set_signal_archinfo}: a page fault at {@code address}. */
  public void pageFault(long address, long error) {
    trapNr = X86_TRAP_PF;
    errorCode = error;
    cr2 = address;
  }

  /** Linux's {@code do_trap}: trap {@code nr} with {@code error}; CR2 is kept. */
  public void trap(int nr, long error) {
    trapNr = nr;
    errorCode = error;
  }

  /** fork/clone: the child's copy. */
  void copyFrom(TrapState o) {
    trapNr = o.trapNr;
    errorCode = o.errorCode;
    cr2 = o.cr2;
  }

  /**
   * The error code a user-mode page fault at {@code va} reports: {@code access} is the UVM access
   * ({@link Prot#READ}, {@link Prot#WRITE}, {@link Prot#EXEC}); {@code present} whether the page
   * table held a translation of the page (the access violated its protection).
   */
  // Linux arch/x86/mm/fault.c: do_user_addr_fault, sanitize_error_code
  public static long pageFaultCode(long va, int access, boolean present) {
    long code = X86_PF_USER;
    if (present || Long.compareUnsigned(va, TASK_SIZE_MAX) >= 0) {
      code |= X86_PF_PROT;
    }
    if ((access & Prot.WRITE) != 0) {
      code |= X86_PF_WRITE;
    }
    if ((access & Prot.EXEC) != 0) {
      code |= X86_PF_INSTR;
    }
    return code;
  }

  /**
   * Whether {@code va} is canonical for 48-bit virtual addresses (bits 63..47 all equal): an access
   * elsewhere is a general-protection fault, not a page fault.
   */
  public static boolean canonical(long va) {
    return (va >> 47) == 0 || (va >> 47) == -1;
  }
}
