package org.uvm4j.uvm;

/**
 * A UVM operation that has a result failed for a reason the caller must handle (bad address, no
 * memory, bad argument): the checked form of an {@link Errno} value.
 *
 * <p>Invariant: {@link #errno()} is always a positive {@link Errno} constant. The error convention
 * of the {@code uvm} module is: an operation without a result returns an {@code int} errno (0 on
 * success, a positive {@link Errno} value on failure); an operation with a result that can fail
 * throws this exception. Only the syscall edge turns either into Linux's negative return value.
 */
public final class UvmException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int errno;

  /**
   * Creates an exception for {@code errno}.
   *
   * @param errno a positive {@link Errno} value
   * @param message what failed, for logs and test output
   * @throws IllegalArgumentException if {@code errno} is not positive
   */
  public UvmException(int errno, String message) {
    super(message);
    if (errno <= 0) {
      throw new IllegalArgumentException("errno must be positive: " + errno);
    }
    this.errno = errno;
  }

  /** Creates an exception for {@code errno} with no further message. */
  public UvmException(int errno) {
    this(errno, "errno " + errno);
  }

  /** The positive {@link Errno} value. */
  public int errno() {
    return errno;
  }
}
