package org.uvm4j.layeringfixture.page;

import org.uvm4j.layeringfixture.amap.FixtureAnon;

/** The planted upward import: a page record typed by the amap layer's anon. */
public final class FixturePage {
  public FixtureAnon anon;
}
