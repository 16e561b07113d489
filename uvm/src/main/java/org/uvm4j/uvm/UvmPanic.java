package org.uvm4j.uvm;

/**
 * A violated UVM invariant: the Java form of NetBSD's {@code KASSERT} and {@code panic}.
 *
 * <p>Always on ({@link Kassert#check}). Thrown only for states that the seed treats as kernel bugs
 * (a corrupted amap, a reference count below zero, a lookup past {@code am_nslot}); never for bad
 * guest input, which gets an errno or a signal instead.
 */
public final class UvmPanic extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates a panic with the message that says which invariant broke and with what values. */
  public UvmPanic(String message) {
    super(message);
  }
}
