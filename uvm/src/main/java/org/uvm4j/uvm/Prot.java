package org.uvm4j.uvm;

/**
 * Protection and access-type bits, with the values of Linux's {@code PROT_*} (and NetBSD's {@code
 * VM_PROT_*}, which agree). A fault's access type is one of {@link #READ}, {@link #WRITE}, {@link
 * #EXEC}.
 */
public final class Prot {
  public static final int NONE = 0;
  public static final int READ = 1;
  public static final int WRITE = 2;
  public static final int EXEC = 4;
  public static final int RW = READ | WRITE;
  public static final int RX = READ | EXEC;
  public static final int ALL = READ | WRITE | EXEC;

  private Prot() {}

  /** True if every bit of {@code wanted} is in {@code allowed}. */
  public static boolean allows(int allowed, int wanted) {
    return (allowed & wanted) == wanted;
  }

  /** {@code "rwx"}-style text, as in /proc/PID/maps. */
  public static String toString(int prot) {
    return ((prot & READ) != 0 ? "r" : "-")
        + ((prot & WRITE) != 0 ? "w" : "-")
        + ((prot & EXEC) != 0 ? "x" : "-");
  }
}
