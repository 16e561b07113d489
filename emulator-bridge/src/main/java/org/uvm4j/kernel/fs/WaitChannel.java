package org.uvm4j.kernel.fs;

/**
 * Something a process can sleep on until another party calls {@link Wakeup#wakeup} with it (the
 * {@code wchan} of NetBSD's {@code tsleep}/{@code wakeup}). Identity is what matters; the name is
 * for diagnostics.
 */
public final class WaitChannel {
  private final String name;

  public WaitChannel(String name) {
    this.name = name;
  }

  @Override
  public String toString() {
    return name;
  }
}
