package org.uvm4j.kernellayeringfixture.syscall;

import org.uvm4j.kernellayeringfixture.core.FixtureKernel;

/** Test-only: a "syscall" class that uses the kernel below it, as handlers do. */
public final class FixtureHandler {
  /** The allowed downward dependency. */
  public FixtureKernel kernel;
}
