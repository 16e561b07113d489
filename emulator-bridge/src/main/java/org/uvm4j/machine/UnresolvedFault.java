package org.uvm4j.machine;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;

/**
 * A guest access the UVM could not resolve, as recorded by the TLB-fill path.
 *
 * @param va the faulting virtual address
 * @param access {@link Prot#READ}, {@link Prot#WRITE} or {@link Prot#EXEC}
 * @param result why it failed (never {@link FaultResult#OK})
 * @param present whether the active pmap held a translation of the page when the access failed (a
 *     protection fault: the x86 page-fault error code's P bit)
 */
public record UnresolvedFault(long va, int access, FaultResult result, boolean present) {
  /** A fault on a page the pmap did not translate. */
  public UnresolvedFault(long va, int access, FaultResult result) {
    this(va, access, result, false);
  }

  @Override
  public String toString() {
    return result + " at 0x" + Long.toHexString(va) + " (" + Prot.toString(access) + ")";
  }
}
