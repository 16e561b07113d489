package org.uvm4j.api;

import org.uvm4j.kernel.RunLimitException;

/**
 * A guest that could not be run, or a run uvm4j cut short: the shell status {@code uvm4j run} exits
 * with for it ({@link #exitCode()}), a one-line message, and what the run recorded until it failed
 * ({@link #partialResult()}, null when no kernel was made).
 */
public final class Uvm4jException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Exit code 127: the program does not exist. */
  public static final int NOT_FOUND = 127;

  /** Exit code 126: not a runnable static x86-64 ELF executable. */
  public static final int NOT_EXECUTABLE = 126;

  /** Exit code 125: uvm4j itself failed (machine error, bad configuration). */
  public static final int MACHINE_ERROR = 125;

  /** Exit code 124: a run limit (timeout, instruction limit) ended the run, as timeout(1). */
  public static final int RUN_LIMIT = RunLimitException.EXIT_CODE;

  private final int exitCode;
  private final transient GuestResult partial;

  Uvm4jException(int exitCode, String message, Throwable cause, GuestResult partial) {
    super(message, cause);
    this.exitCode = exitCode;
    this.partial = partial;
  }

  /** The shell status for this failure: 127, 126, 125 or 124. */
  public int exitCode() {
    return exitCode;
  }

  /**
   * The counters, output and records of the run up to the failure (not audited), or null when it
   * failed before the kernel existed (a bad configuration or swap file).
   */
  public GuestResult partialResult() {
    return partial;
  }
}
