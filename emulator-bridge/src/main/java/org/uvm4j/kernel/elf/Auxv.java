package org.uvm4j.kernel.elf;

/** Auxiliary vector tags ({@code AT_*}, Linux {@code include/uapi/linux/auxvec.h}). */
public final class Auxv {
  public static final int AT_NULL = 0;
  public static final int AT_PHDR = 3;
  public static final int AT_PHENT = 4;
  public static final int AT_PHNUM = 5;
  public static final int AT_PAGESZ = 6;
  public static final int AT_BASE = 7;
  public static final int AT_FLAGS = 8;
  public static final int AT_ENTRY = 9;
  public static final int AT_UID = 11;
  public static final int AT_EUID = 12;
  public static final int AT_GID = 13;
  public static final int AT_EGID = 14;
  public static final int AT_HWCAP = 16;
  public static final int AT_CLKTCK = 17;
  public static final int AT_SECURE = 23;
  public static final int AT_RANDOM = 25;
  public static final int AT_EXECFN = 31;

  /** The vDSO's ELF header ({@code ARCH_DLINFO}). */
  public static final int AT_SYSINFO_EHDR = 33;

  /** The worst-case signal frame size (Linux >= 5.14, x86: {@code get_sigframe_size()}). */
  public static final int AT_MINSIGSTKSZ = 51;

  private Auxv() {}
}
