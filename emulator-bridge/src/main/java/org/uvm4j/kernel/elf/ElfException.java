package org.uvm4j.kernel.elf;

/**
 * A host-side ELF file that cannot be run: malformed, truncated, for another machine, or with a
 * malformed PT_INTERP. The message names the problem (and the offending field or segment) for the
 * user.
 */
public final class ElfException extends Exception {
  private static final long serialVersionUID = 1L;

  public ElfException(String message) {
    super(message);
  }
}
