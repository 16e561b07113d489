package org.uvm4j.layeringfixture.amap;

import org.uvm4j.layeringfixture.page.FixturePage;

/** The anon of the fixture: it may use the page layer (a downward dependency). */
public final class FixtureAnon {
  public FixturePage page;
}
