/**
 * The software pmap (the machine-dependent {@code pmap.c} layer): one {@link
 * org.uvm4j.uvm.pmap.Pmap} per address space with its page table and the pv entries that link each
 * page's mappings (headed in the page's {@code VmPageMd}), read by the emulator's TLB-miss path,
 * and the {@link org.uvm4j.uvm.pmap.TlbListener} through which removals and downgrades reach the
 * emulator's TLB.
 *
 * <p>Invariant (checked by {@code Pmap.check} and {@code Pmap.checkPage}): every valid PTE has
 * exactly one pv entry on its page's list and every pv entry names a valid PTE mapping that page;
 * every removal or downgrade of a translation is reported to the TLB listener. Not thread-safe:
 * used by the one CPU thread.
 *
 * <p>Layer 3 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}) and
 * {@code page}; it never sees the VM system ({@code Uvm}), maps, amaps or objects, which call it.
 */
package org.uvm4j.uvm.pmap;
