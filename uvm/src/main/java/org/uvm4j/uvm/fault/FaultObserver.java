package org.uvm4j.uvm.fault;

/**
 * Told about every fault of a {@link FaultHandler} it is {@link FaultHandler#setObserver set} on
 * (tracing). The {@link FaultInfo} is the handler's live context: read it during the call, keep
 * {@link FaultInfo#snapshot()} if the fault must outlive it.
 */
@FunctionalInterface
public interface FaultObserver {
  /** Called once per fault, after it was resolved or failed (no VM lock held). */
  void faultDone(FaultInfo info);
}
