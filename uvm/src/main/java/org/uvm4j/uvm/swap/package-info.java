/**
 * Swap ({@code uvm_swap.c}, the swap side of {@code uvm_pager.c}, {@code uvm_anon_pagein}): a
 * {@link org.uvm4j.uvm.swap.SwapDevice} moves pages to and from a backing store ({@link
 * org.uvm4j.uvm.swap.FileSwapDevice}); {@link org.uvm4j.uvm.swap.SwapManager} configures devices as
 * {@link org.uvm4j.uvm.swap.SwapArea}s in one slot space (the drum) and allocates slots; {@link
 * org.uvm4j.uvm.swap.SwapPager} writes clusters out and reads pages in, and is the VM system's
 * {@code SwapService}; {@link org.uvm4j.uvm.swap.SwapAudit} checks slot ownership. See
 * docs/swap.md.
 *
 * <p>Invariants: every allocated good slot belongs to exactly one anon ({@code anon.swslot});
 * {@code swpginuse} counts allocated slots and {@code swpgonly} the slots holding the only copy of
 * their data; a slot that saw an I/O error stays allocated and bad.
 *
 * <p>Layer 7 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code amap} and {@code system}.
 */
package org.uvm4j.uvm.swap;
