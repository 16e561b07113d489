package org.uvm4j.archfixture.uvm;

import org.uvm4j.archfixture.machine.FixtureMachine;

/** Test-only: a "uvm" class that reaches up into the "machine" (the planted violation). */
public final class FixturePage {
  /** The upward (and cyclic) dependency the project rules must catch. */
  public FixtureMachine owner;
}
