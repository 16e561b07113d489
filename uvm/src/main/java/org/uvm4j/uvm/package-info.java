/**
 * The vocabulary every layer of the VM system shares: {@link org.uvm4j.uvm.Errno} (the positive
 * errno values UVM operations return), {@link org.uvm4j.uvm.Prot} (protection bits), {@link
 * org.uvm4j.uvm.UvmPanic} (KASSERT: always-on consistency checks), {@link org.uvm4j.uvm.UvmExp}
 * (the {@code uvmexp} counters) and {@link org.uvm4j.uvm.UvmException}.
 *
 * <p>Invariant: these types hold no machine state of their own beyond the counters a machine owns;
 * they describe values, not subsystems.
 *
 * <p>Layer 1, the bottom of docs/design.md ("Layering"): imported by every other uvm package, it
 * imports nothing of uvm4j.
 */
package org.uvm4j.uvm;
