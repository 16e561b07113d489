package org.uvm4j.machine;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;

/**
 * A guest access the UVM could not resolve, as recorded by the TLB-fill path.
 *
 * @param va the faulting virtual address
 * @param access {@link Prot#READ}, {@link Prot#WRITE} or {@link Prot#EXEC}
 * @param result why it failed (never {@link FaultResult#OK})
 */
public record UnresolvedFault(long va, int access, FaultResult result) {
  @Override
  public String toString() {
    return result + " at 0x" + Long.toHexString(va) + " (" + Prot.toString(access) + ")";
  }
}
