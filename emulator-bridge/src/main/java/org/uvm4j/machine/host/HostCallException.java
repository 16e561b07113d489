package org.uvm4j.machine.host;

/**
 * A host libc call that failed: the function, the host's {@code errno} and libc's {@code strerror}
 * text, the message being {@code "FUNCTION: [ERRNO] TEXT"} whichever binding made the call.
 */
public final class HostCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final int errno;

  /** {@code function} failed with {@code errno}, whose {@code strerror} is {@code text}. */
  public HostCallException(String function, int errno, String text) {
    super(function + ": [" + errno + "] " + text);
    this.function = function;
    this.errno = errno;
  }

  /** The libc function that failed, e.g. {@code "mmap"}. */
  public String function() {
    return function;
  }

  /** The host's errno after the call (Linux's numbers: 12 is ENOMEM). */
  public int errno() {
    return errno;
  }
}
