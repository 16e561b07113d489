package org.uvm4j.archfixture.machine;

import org.uvm4j.archfixture.uvm.FixturePage;

/** Test-only: a "machine" class over the fixture's "uvm" (the allowed, downward direction). */
public final class FixtureMachine {
  public FixturePage page;
}
