package org.uvm4j.uvm.map;

/**
 * How {@link Vmspace#remap} may place a mapping that grows ({@code uvm_mremap}'s placement): only
 * in place, anywhere if it cannot grow in place, or at a fixed new address.
 */
public enum RemapMode {
  /** Grow or shrink in place; ENOMEM when the space after the mapping is taken. */
  IN_PLACE,

  /** Grow in place when the space after the mapping is free, otherwise move it. */
  MAY_MOVE,

  /** Move the mapping to the given address (whatever is mapped there is replaced). */
  FIXED
}
