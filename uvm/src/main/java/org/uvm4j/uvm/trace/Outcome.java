package org.uvm4j.uvm.trace;

import org.uvm4j.uvm.FaultResult;

/**
 * How a fault ended, with the names of the trace format's {@code "outcome"} field: resolved, or the
 * signal the guest gets for it.
 */
public enum Outcome {
  /** The page is mapped; the access is retried and succeeds. */
  RESOLVED("resolved"),
  /** No mapping at the address: SIGSEGV with si_code SEGV_MAPERR. */
  SEGV_MAPERR("segv_maperr"),
  /** The mapping forbids the access: SIGSEGV with si_code SEGV_ACCERR. */
  SEGV_ACCERR("segv_accerr"),
  /** The page could not be read back from swap: SIGBUS. */
  SIGBUS("sigbus"),
  /** No memory and no swap: the process is killed. */
  OOM("oom");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  /** The name in the trace format. */
  public String label() {
    return label;
  }

  /** The trace name of the handler's result. */
  public static Outcome of(FaultResult r) {
    return switch (r) {
      case OK -> RESOLVED;
      case SEGV_MAPERR -> SEGV_MAPERR;
      case SEGV_ACCERR -> SEGV_ACCERR;
      case BUS -> SIGBUS;
      case OOM -> OOM;
    };
  }
}
