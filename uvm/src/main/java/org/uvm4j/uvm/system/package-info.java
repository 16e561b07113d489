/**
 * One machine's VM system ({@code struct uvm} and the page operations of {@code uvm_page.c}):
 * {@link org.uvm4j.uvm.system.Uvm} ties together physical memory, the paging queues, the counters
 * and the amap list, and serves the amap layer as its {@code UvmServices}; {@link
 * org.uvm4j.uvm.system.UvmConfig} sizes it; {@link org.uvm4j.uvm.system.SwapService} is what it
 * delegates to the swap layer once one registers.
 *
 * <p>Invariants (checked by {@code Uvm.check}): every frame is free or owned by exactly one anon or
 * object; {@code uvmexp.anonpages}, {@code filepages} and {@code wired} count them.
 *
 * <p>Layer 5 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap} and {@code amap}. The layers above (objects, swap, maps, faults, the
 * page daemon) use it; swap and the page daemon register with it through {@code SwapService} and a
 * {@code Runnable} rather than being imported.
 */
package org.uvm4j.uvm.system;
