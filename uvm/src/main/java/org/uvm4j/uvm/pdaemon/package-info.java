/**
 * The page daemon ({@code uvm_pdaemon.c} with the clock policy of {@code uvm_pdpolicy_clock.c}):
 * {@link org.uvm4j.uvm.pdaemon.PageDaemon} keeps free memory between the {@code freemin} and {@code
 * freetarg} watermarks by paging anon pages out, and {@link org.uvm4j.uvm.pdaemon.MemoryUsage}
 * measures an address space's anonymous memory for the OOM killer. See docs/swap.md.
 *
 * <p>Invariants: wired, busy, loaned and object pages are never taken; a dirty page with nowhere to
 * go is reactivated without being unmapped. The daemon keeps the lock order of docs/design.md
 * ("Locking") by only try-locking page owners.
 *
 * <p>Layer 10 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap}, {@code amap}, {@code system}, {@code swap} and {@code map}.
 */
package org.uvm4j.uvm.pdaemon;
