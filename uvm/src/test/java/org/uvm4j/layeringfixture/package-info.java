/**
 * A test-only miniature of the uvm package tree that breaks the layering on purpose, so that {@code
 * LayeringTest} can show its rules fail on an upward import: {@code pmap.FixturePmap} uses {@code
 * system.FixtureUvm} (the pmap reaching up to the VM system, as {@code Pmap(Uvm)} once did) and
 * {@code page.FixturePage} uses {@code amap.FixtureAnon} (the page layer naming the anon type).
 * Nothing else may use these classes.
 */
package org.uvm4j.layeringfixture;
