package org.uvm4j.kernel;

/**
 * The {@code wait4} status word: {@code (code & 0xff) << 8} for exit, the signal number for death.
 */
public final class WaitStatus {
  private WaitStatus() {}

  /** Status of a process that called exit(code). */
  public static int exited(int code) {
    return (code & 0xff) << 8;
  }

  /** Status of a process killed by {@code sig}. */
  public static int signaled(int sig) {
    return sig & 0x7f;
  }

  public static boolean isExited(int status) {
    return (status & 0x7f) == 0;
  }

  public static int exitCode(int status) {
    return (status >> 8) & 0xff;
  }

  public static int termSig(int status) {
    return status & 0x7f;
  }

  /** As a shell reports it: the exit code, or 128 + the signal number. */
  public static int shellCode(int status) {
    return isExited(status) ? exitCode(status) : 128 + termSig(status);
  }
}
