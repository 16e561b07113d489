package org.uvm4j.kernel;

/**
 * The run was ended by one of its limits ({@code --timeout}, {@code --max-instructions}), as {@code
 * timeout(1)} ends a command: every process was killed with SIGKILL and everything freed before
 * this is thrown. The message is the one line the CLI prints; the CLI exits with {@link
 * #EXIT_CODE}.
 */
public final class RunLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What {@code timeout(1)} exits with when the time ran out. */
  public static final int EXIT_CODE = 124;

  public RunLimitException(String message) {
    super(message, null, false, false);
  }
}
