package org.uvm4j.uvm.map;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.page.VmPage;

/**
 * What the map layer needs of {@code uvm_fault}: resolving a fault for the kernel's own accesses to
 * an address space (copyin/copyout, populate) and wiring faults (mlock, MAP_LOCKED). Implemented by
 * {@code org.uvm4j.uvm.fault.FaultHandler}, which sits above the map layer; a {@link Vmspace} is
 * given one when it is created and a forked child shares its parent's.
 */
public interface FaultService {
  /**
   * uvm_fault: makes {@code va} accessible for {@code access} ({@code Prot.READ/WRITE/EXEC}) in
   * {@code vm}.
   *
   * <p>=> OK: the pmap now answers the access; else the reason the access cannot be made.
   */
  FaultResult fault(Vmspace vm, long va, int access);

  /**
   * uvm_fault_wire's fault: the page at {@code va} made resident with the entry's full protection,
   * copy-on-write resolved (for wiring).
   */
  FaultResult faultWire(Vmspace vm, long va);

  /**
   * uvm_fault for a forced access, Linux's {@code FOLL_FORCE} (ptrace, {@code /proc/PID/mem}): the
   * entry's maximum protection is checked instead of its protection, so a forced read reaches a
   * PROT_NONE mapping and a forced write reaches a read-only private (copy-on-write) mapping, where
   * it breaks copy-on-write as a write fault does — the page becomes the entry's own anon — while
   * the page is mapped with the entry's protection only (the process still cannot write it). A
   * forced write to a shared mapping without write permission, or to a wired read-only one, is
   * refused. The stack is not grown (Linux's GUP does not).
   *
   * <p>=> the page now backing {@code va} for {@code access} ({@code Prot.READ} or {@code
   * Prot.WRITE}), valid until the next fault or map change; null when it cannot be had.
   */
  VmPage faultForced(Vmspace vm, long va, int access);
}
