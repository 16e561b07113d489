package org.uvm4j.kernel;

/**
 * The program given to {@link Kernel#run} cannot be started: it does not exist ({@link
 * Kind#NOT_FOUND}, shell code 127) or is not a runnable static x86-64 ELF ({@link
 * Kind#NOT_EXECUTABLE}, shell code 126). The message names the file and the reason.
 */
public final class ExecException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the program cannot run. */
  public enum Kind {
    NOT_FOUND(127),
    NOT_EXECUTABLE(126);

    private final int shellCode;

    Kind(int shellCode) {
      this.shellCode = shellCode;
    }

    /** The exit code a shell gives for this failure. */
    public int shellCode() {
      return shellCode;
    }
  }

  private final Kind kind;

  public ExecException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
