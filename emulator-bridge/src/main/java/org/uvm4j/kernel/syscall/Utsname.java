package org.uvm4j.kernel.syscall;

import java.nio.charset.StandardCharsets;

/** The {@code struct utsname} of uname (six NUL-padded 65-byte fields). */
public record Utsname(
    String sysname,
    String nodename,
    String release,
    String version,
    String machine,
    String domainname) {
  public static final int FIELD = 65;
  public static final int SIZE = 6 * FIELD;

  /** The bytes as the guest sees them (each field truncated to 64 bytes plus the NUL). */
  public byte[] toBytes() {
    String[] fields = {sysname, nodename, release, version, machine, domainname};
    byte[] out = new byte[SIZE];
    for (int i = 0; i < fields.length; i++) {
      byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(f, 0, out, FIELD * i, Math.min(f.length, FIELD - 1));
    }
    return out;
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    return m.write(va, toBytes());
  }
}
