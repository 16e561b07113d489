package org.uvm4j.machine;

/**
 * The x86-64 registers the kernel reads and writes: the sixteen general-purpose registers, the
 * instruction pointer, the flags and the two segment bases used for thread-local storage.
 */
public enum Reg {
  RAX,
  RBX,
  RCX,
  RDX,
  RSI,
  RDI,
  RBP,
  RSP,
  R8,
  R9,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15,
  RIP,
  RFLAGS,
  FS_BASE,
  GS_BASE;

  private static final Reg[] VALUES = values();

  /** The register with the given ordinal (no allocation, unlike {@code values()[i]}). */
  public static Reg of(int ordinal) {
    return VALUES[ordinal];
  }
}
