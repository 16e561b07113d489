/**
 * Address spaces ({@code uvm_map.c}, {@code uvm_mmap.c}, {@code uvm_unix.c}): {@link
 * org.uvm4j.uvm.map.Vmspace} (one process's address space: map, pmap, break), {@link
 * org.uvm4j.uvm.map.VmMap} and its {@link org.uvm4j.uvm.map.VmMapEntry}s, fork ({@code
 * uvmspace_fork}), wiring, inheritance and advice, and copyin/copyout through the fault handler.
 * See docs/vm.md.
 *
 * <p>Invariants (checked by {@code VmMap.check}): entries are page aligned, non-empty, disjoint and
 * inside the map's range; {@code NEEDSCOPY} implies {@code COPYONWRITE}; every write unlock of the
 * map bumps its timestamp. The map lock is the first lock of the order in docs/design.md
 * ("Locking").
 *
 * <p>Layer 8 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap}, {@code amap}, {@code obj} and {@code system}.
 */
package org.uvm4j.uvm.map;
