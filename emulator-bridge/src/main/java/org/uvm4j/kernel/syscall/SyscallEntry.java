package org.uvm4j.kernel.syscall;

/**
 * One row of the system call table: number, name, how far uvm4j supports it, a note for the
 * documentation (what is supported, or why not), and the handler (null when unsupported).
 *
 * <p>Invariant: {@link Support#UNSUPPORTED} rows have no handler and answer ENOSYS; the others have
 * one.
 */
public record SyscallEntry(
    int nr, String name, Support support, String note, SyscallHandler handler) {
  /** How far a call is supported (gVisor's Supported / PartiallySupported / Unimplemented). */
  public enum Support {
    /** Linux semantics as far as the guest can tell (the note says what is simplified). */
    SUPPORTED("yes"),
    /** Works for the common cases; the note says what is refused or ignored. */
    PARTIAL("partial"),
    /** Answers ENOSYS; the note says why. */
    UNSUPPORTED("no (ENOSYS)");

    private final String label;

    Support(String label) {
      this.label = label;
    }

    /** How the documentation table shows it. */
    public String label() {
      return label;
    }
  }

  public SyscallEntry {
    if (nr < 0 || nr >= Syscall.MAX) {
      throw new IllegalArgumentException("syscall number out of range: " + nr);
    }
    if ((support == Support.UNSUPPORTED) != (handler == null)) {
      throw new IllegalArgumentException(name + ": an unsupported call has no handler, others one");
    }
  }

  /** A call with Linux semantics. */
  public static SyscallEntry supported(int nr, String name, String note, SyscallHandler h) {
    return new SyscallEntry(nr, name, Support.SUPPORTED, note, h);
  }

  /** A call that handles the common cases; {@code note} says what is not. */
  public static SyscallEntry partial(int nr, String name, String note, SyscallHandler h) {
    return new SyscallEntry(nr, name, Support.PARTIAL, note, h);
  }

  /** A call that answers ENOSYS, and why. */
  public static SyscallEntry unsupported(int nr, String name, String why) {
    return new SyscallEntry(nr, name, Support.UNSUPPORTED, why, null);
  }
}
