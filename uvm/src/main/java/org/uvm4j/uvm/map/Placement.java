package org.uvm4j.uvm.map;

/**
 * Where {@link Vmspace#mmap(MapRequest)} puts a new mapping: the address of a {@link MapRequest} is
 * a hint, or a fixed address that replaces what is mapped there ({@code UVM_FLAG_FIXED} with {@code
 * uvm_unmap} first), or a fixed address that must be free ({@code UVM_FLAG_FIXED} with {@code
 * UVM_FLAG_UNMAP} clear: EEXIST when it is not).
 */
public enum Placement {
  /** The address is a hint: used when page aligned and free, otherwise free space is searched. */
  HINT,

  /** Exactly at the address; whatever was mapped in the range is unmapped first. */
  FIXED,

  /** Exactly at the address, which must be free (EEXIST otherwise). */
  FIXED_NOREPLACE;

  /** True for the two fixed placements. */
  public boolean isFixed() {
    return this != HINT;
  }
}
