package org.uvm4j.layeringfixture.system;

import org.uvm4j.layeringfixture.pmap.FixturePmap;

/** The VM system of the fixture: it may use the pmap (a downward dependency). */
public final class FixtureUvm {
  public FixturePmap newPmap() {
    return new FixturePmap(this);
  }
}
