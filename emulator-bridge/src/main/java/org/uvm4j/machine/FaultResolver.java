package org.uvm4j.machine;

import org.uvm4j.uvm.FaultResult;

/**
 * Resolves a TLB miss the active pmap cannot answer: {@code uvm_fault} on the active address space.
 * Runs inside the emulator's TLB-fill hook.
 */
@FunctionalInterface
public interface FaultResolver {
  /**
   * Resolves the fault at {@code va} for {@code access}.
   *
   * @return {@link FaultResult#OK} when the pmap now answers the access; otherwise why not
   */
  FaultResult fault(long va, int access);
}
