package org.uvm4j.uvm.fault;

/**
 * The path a resolved fault took, named after uvm_fault.c's case analysis: the upper (anon) layer
 * 1A/1B, the lower (object) layer 2A/2B, zero fill; {@link #NONE} until a case is reached.
 */
public enum FaultCase {
  /** No case reached (the fault failed before, or has not run). */
  NONE,
  /** 1A: the anon's page is mapped in place (read-only while the anon is shared). */
  ANON,
  /** 1B: write to a shared anon: its page is copied into a new anon (copy-on-write). */
  ANON_COW,
  /** 2A: the object's page is mapped (read-only in a copy-on-write entry). */
  OBJECT,
  /** 2B: write to a copy-on-write object mapping: the object page is copied into a new anon. */
  OBJECT_COW,
  /** 2B without an object: a new zero-filled anon. */
  ZERO_FILL
}
