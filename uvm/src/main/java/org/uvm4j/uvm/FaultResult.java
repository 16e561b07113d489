package org.uvm4j.uvm;

/**
 * The outcome of a page fault ({@code uvm_fault}): resolved, or why not (the signal the guest
 * gets). Vocabulary shared by the fault handler, the map layer that calls it and the machine.
 */
public enum FaultResult {
  /** Resolved: the pmap now answers the access. */
  OK,
  /** No mapping at the address (SIGSEGV, SEGV_MAPERR). */
  SEGV_MAPERR,
  /** The mapping forbids the access (SIGSEGV, SEGV_ACCERR). */
  SEGV_ACCERR,
  /** The page could not be read back (bad swap slot; SIGBUS). */
  BUS,
  /** No memory and no swap to make a page resident (the process is killed). */
  OOM
}
