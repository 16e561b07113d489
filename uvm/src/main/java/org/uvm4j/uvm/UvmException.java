package org.uvm4j.uvm;

/**
 * An operation that has a result failed with a (positive) errno. The error convention below the
 * syscall edge: an operation without a result returns a positive errno (0 = success); one with a
 * result returns it or throws this checked exception. Only the syscall edge turns the errno into
 * Linux's negative return value.
 */
public class UvmException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int errno;

  /** Fails with {@code errno} (positive, an {@link Errno} value). */
  public UvmException(int errno) {
    this(errno, "errno " + errno);
  }

  /** Fails with {@code errno} (positive) and a message for the log. */
  public UvmException(int errno, String message) {
    super(message);
    if (errno <= 0) {
      throw new IllegalArgumentException("errno must be positive: " + errno);
    }
    this.errno = errno;
  }

  /** The positive errno. */
  public int errno() {
    return errno;
  }
}
