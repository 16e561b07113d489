package org.uvm4j.uvm.map;

import org.uvm4j.uvm.FaultResult;

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
}
