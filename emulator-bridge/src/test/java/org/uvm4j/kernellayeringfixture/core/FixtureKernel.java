package org.uvm4j.kernellayeringfixture.core;

import org.uvm4j.kernellayeringfixture.syscall.FixtureHandler;

/** Test-only: a "kernel" class that imports the syscall layer above it (planted violation). */
public final class FixtureKernel {
  /** The planted upward dependency. */
  public FixtureHandler handler;
}
