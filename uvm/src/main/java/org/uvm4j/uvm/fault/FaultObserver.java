package org.uvm4j.uvm.fault;

/**
 * Told about every fault while {@link FaultHandler#setTracing tracing} is on. The {@link FaultInfo}
 * is the handler's reusable record: read it during the call, copy what must be kept.
 */
@FunctionalInterface
public interface FaultObserver {
  /** Called once per fault, after it was resolved or failed. */
  void faultDone(FaultInfo info);
}
