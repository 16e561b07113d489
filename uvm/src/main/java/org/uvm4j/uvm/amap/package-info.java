/**
 * Anonymous memory: amaps and anons, a port of NetBSD {@code uvm_amap.c} 1.87 (and the parts of
 * {@code uvm_anon.c} the amap code calls).
 *
 * <p>{@link org.uvm4j.uvm.amap.Amap} is the upper layer of a mapping (one slot per page, each
 * optionally pointing at an {@link org.uvm4j.uvm.amap.Anon}); {@link org.uvm4j.uvm.amap.Aref} is a
 * map entry's window into an amap; {@link org.uvm4j.uvm.amap.Ppref} is the run-length encoding of
 * the per-page reference counts; {@link org.uvm4j.uvm.amap.AmapList} is one machine's global amap
 * list; {@link org.uvm4j.uvm.amap.AmapAudit} checks the invariants. The rest of UVM is reached
 * through {@link org.uvm4j.uvm.amap.UvmServices} (pages, pmap, swap, waiting) and {@link
 * org.uvm4j.uvm.amap.AmapMap} (clipping and merging map entries), whose entries amap sees only as
 * {@link org.uvm4j.uvm.amap.AmapEntry} (range, aref, clearing NEEDSCOPY): the package does not
 * import {@code org.uvm4j.uvm.map}; allocation goes through {@link
 * org.uvm4j.uvm.amap.AmapAllocator}, which tests make fail. There is no static mutable state: every
 * amap belongs to the machine whose services created it.
 *
 * <p>Layer 4 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}) and
 * {@code page}; the pmap, swap and page allocation are reached through {@code UvmServices}.
 *
 * <h2>Locks (NB5 style)</h2>
 *
 * <p>Each amap has its own lock ({@code am_l}), each anon its own ({@code an_lock}), and each
 * machine one amap-list lock ({@code amap_list_lock}); all are non-recursive (locking a lock one
 * already holds panics) and every place where the seed asserts {@code mutex_owned} checks
 * ownership. Their place in the lock order is stated in docs/design.md ("Locking").
 *
 * <p>A thread holding an amap lock may take the list lock (insert on amap_copy, remove in wipeout);
 * {@code amap_swap_off} holds the list lock while it only <em>try</em>-locks amaps, and drops every
 * lock around {@code uvm_anon_pagein}, marking the amap {@code AMAP_SWAPOFF}. Nobody sleeps holding
 * an amap or anon lock: waits ({@code uvm_wait}, busy pages) happen after unlocking, and the waiter
 * restarts its work.
 */
package org.uvm4j.uvm.amap;
