package org.uvm4j.cli;

import java.io.PrintStream;
import org.uvm4j.api.Uvm4jException;

/**
 * Runs one guest for the CLI: the machine and kernel behind {@code uvm4j run}. The production
 * implementation is {@link KernelRunner}; tests substitute their own to check the CLI's parsing and
 * exit-code mapping.
 */
@FunctionalInterface
public interface GuestRunner {
  /**
   * Runs the request to the exit of every guest process.
   *
   * @param err where {@code --stats} output goes
   * @return the first process's status as a shell exit code (128+N when signal N killed it)
   * @throws RunFailure when the program cannot be run or the machine fails
   */
  int run(RunRequest request, PrintStream err) throws RunFailure;

  /** Why a guest could not be run: the exit code the CLI returns, and a one-line message. */
  final class RunFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Exit code 127: the program does not exist. */
    public static final int NOT_FOUND = Uvm4jException.NOT_FOUND;

    /** Exit code 126: not a runnable static x86-64 ELF executable. */
    public static final int NOT_EXECUTABLE = Uvm4jException.NOT_EXECUTABLE;

    /** Exit code 125: uvm4j itself failed (machine error, bad option values). */
    public static final int MACHINE_ERROR = Uvm4jException.MACHINE_ERROR;

    private final int exitCode;

    public RunFailure(int exitCode, String message, Throwable cause) {
      super(message, cause);
      this.exitCode = exitCode;
    }

    /** The CLI's exit status for this failure. */
    public int exitCode() {
      return exitCode;
    }
  }
}
