package org.uvm4j.uvm.map;

/**
 * A memory-allocation policy attached to map entries: Linux's per-VMA NUMA memory policy ({@code
 * vm_area_struct.vm_policy}, set by {@code mbind}), kept on {@link VmMapEntry#policy}. The map
 * never interprets it: it keeps it on both parts when an entry is clipped, copies it to the child
 * at fork and with an entry that mremap moves, gives a grown tail or grown stack its entry's
 * policy, and joins two entries only when their policies are equal ({@code mpol_equal}: {@link
 * Object#equals}, null being the default policy). The kernel's Linux policy implements it.
 *
 * <p>Invariant: implementations are immutable values, {@code equals} and {@code hashCode} by value.
 */
public interface EntryPolicy {}
