package org.uvm4j.uvm.map;

import org.uvm4j.uvm.UvmException;

/**
 * What {@link Vmspace#updatePolicies} does to one entry's {@link EntryPolicy}: the new policy for
 * the entry's part of the range, or {@code old} itself to leave the entry alone; an exception stops
 * the walk there (the entries before it keep their new policy, as Linux's loop over the VMAs).
 */
@FunctionalInterface
public interface PolicyUpdate {
  EntryPolicy apply(EntryPolicy old) throws UvmException;
}
