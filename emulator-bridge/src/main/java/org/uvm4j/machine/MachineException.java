package org.uvm4j.machine;

/**
 * The emulator failed or cannot be used: a missing or too old native library, an engine that
 * refused a call. The message says what failed, with what, and how to fix it when that is known.
 */
public class MachineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure with a message for the user. */
  public MachineException(String message) {
    super(message);
  }

  /** A failure caused by {@code cause}. */
  public MachineException(String message, Throwable cause) {
    super(message, cause);
  }
}
