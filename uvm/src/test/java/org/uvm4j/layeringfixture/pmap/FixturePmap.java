package org.uvm4j.layeringfixture.pmap;

import org.uvm4j.layeringfixture.system.FixtureUvm;

/** The planted upward import: a pmap that takes the VM system. */
public final class FixturePmap {
  final FixtureUvm uvm;

  public FixturePmap(FixtureUvm uvm) {
    this.uvm = uvm;
  }
}
