/**
 * Linux's NUMA memory policies ({@code mm/mempolicy.c}) as values: {@link
 * org.uvm4j.kernel.mempolicy.Nodemask} ({@code nodemask_t}), {@link
 * org.uvm4j.kernel.mempolicy.MemPolicy} ({@code struct mempolicy}: the task policy a {@code Proc}
 * holds and the per-mapping policy map entries carry), the uapi constants ({@link
 * org.uvm4j.kernel.mempolicy.Mpol}) and the machine's topology ({@link
 * org.uvm4j.kernel.mempolicy.Numa}: one memory node, node 0).
 *
 * <p>Invariants: every value here is immutable; a policy's effective node mask only holds online
 * nodes.
 *
 * <p>Layer 1 of docs/design.md ("Layering: the kernel"), beside {@code kernel.fs} and {@code
 * kernel.elf}: imports only {@code org.uvm4j.uvm..} and {@code kernel.bitmap} (under {@code
 * Nodemask}).
 */
package org.uvm4j.kernel.mempolicy;
