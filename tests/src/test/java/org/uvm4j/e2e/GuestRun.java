package org.uvm4j.e2e;

/**
 * What one run of a guest program produced.
 *
 * @param stdout everything written to standard output
 * @param stderr everything written to standard error
 * @param status the exit status as a shell reports it (128+N when signal N killed the program)
 */
public record GuestRun(String stdout, String stderr, int status) {
  @Override
  public String toString() {
    return "status " + status + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}
