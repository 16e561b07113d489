package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.FaultResult;

/**
 * What one step of {@link FaultHandler} ({@code check}, {@code upper}, {@code lower}, the promote
 * helper) returns — NetBSD's 0 / {@code ERESTART} / error: go on to the next step ({@link
 * #CONTINUE}), the fault is done with a {@link #result}, restart from the lookup now ({@link
 * #RESTART}), or restart after waiting for memory ({@code uvm_wait}) with the wait message {@link
 * #wmsg}. Constants only: a step allocates nothing to say how it went.
 */
enum FaultStep {
  CONTINUE(null, null),
  RESTART(null, null),
  OK(FaultResult.OK, null),
  SEGV_MAPERR(FaultResult.SEGV_MAPERR, null),
  SEGV_ACCERR(FaultResult.SEGV_ACCERR, null),
  BUS(FaultResult.BUS, null),
  /** amap_copy could not allocate (uvmfault_amapcopy). */
  WAIT_AMAPCOPY(null, "fltamapcopy"),
  /** No frame to page the anon in (uvmfault_anonget). */
  WAIT_NORAM_PAGEIN(null, "flt_noram1"),
  /** The anon's page is busy (uvmfault_anonget). */
  WAIT_ANONGET(null, "anonget"),
  /** The object could not make its page resident (uvm_fault_lower_io). */
  WAIT_NORAM_OBJECT(null, "flt_noram2"),
  /** No anon for a promotion (uvmfault_promote). */
  WAIT_NOANON(null, "flt_noanon"),
  /** No frame for a promotion (uvmfault_promote). */
  WAIT_NORAM_PROMOTE(null, "flt_noram5");

  /** The fault's outcome, or null if the fault goes on. */
  final FaultResult result;

  /** The {@code uvm_wait} message, or null if the step does not wait. */
  final String wmsg;

  FaultStep(FaultResult result, String wmsg) {
    this.result = result;
    this.wmsg = wmsg;
  }
}
