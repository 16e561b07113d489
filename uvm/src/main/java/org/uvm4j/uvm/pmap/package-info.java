/**
 * The software pmap (the machine-dependent {@code pmap.c} layer): one {@link
 * org.uvm4j.uvm.pmap.Pmap} per address space with its page table and the per-page pv lists ({@link
 * org.uvm4j.uvm.pmap.PmapPage}), read by the emulator's TLB-miss path, and the {@link
 * org.uvm4j.uvm.pmap.TlbListener} through which removals and downgrades reach the emulator's TLB.
 */
package org.uvm4j.uvm.pmap;
