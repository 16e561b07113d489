package org.uvm4j.machine.uc;

import org.uvm4j.machine.MachineException;

/**
 * libunicorn's version word ({@code uc_version()}: major, minor, patch, extra from the top byte
 * down) and the oldest version uvm4j runs on; shared by both bindings so they refuse the same
 * libraries with the same message.
 */
public final class UcVersion {
  private UcVersion() {}

  /** Oldest usable version: the virtual TLB appeared in 2.1.0. */
  public static final int MIN_VERSION = pack(2, 1, 0);

  /** {@link #MIN_VERSION} as text. */
  public static final String MIN_VERSION_TEXT = "2.1.0";

  /** How to get a usable libunicorn, for error messages. */
  public static final String FIX =
      "run 'make deps' in the uvm4j directory (it provides libunicorn >= 2.1.2 in .deps/unicorn/lib"
          + " without changing the system), or install Debian's libunicorn2t64, or point"
          + " -Djna.library.path at a directory holding libunicorn.so.2";

  /**
   * Refuses a library older than 2.1.
   *
   * @param packed {@code uc_version()}'s result: major, minor, patch, extra bytes from the top
   * @param where the file it came from, for the message
   * @throws MachineException naming the file, its version, the minimum and the fix
   */
  public static void check(int packed, String where) {
    if (Integer.compareUnsigned(packed & 0xffffff00, MIN_VERSION) < 0) {
      throw new MachineException(
          where
              + " is libunicorn "
              + text(packed)
              + ", but uvm4j needs at least "
              + MIN_VERSION_TEXT
              + " (the virtual TLB; 2.1.2 or later recommended): "
              + FIX);
    }
  }

  /** The packed form of {@code major.minor.patch}. */
  public static int pack(int major, int minor, int patch) {
    return (major << 24) | (minor << 16) | (patch << 8);
  }

  /** {@code "major.minor.patch"} of a packed version. */
  public static String text(int packed) {
    return ((packed >>> 24) & 0xff)
        + "."
        + ((packed >>> 16) & 0xff)
        + "."
        + ((packed >>> 8) & 0xff);
  }
}
