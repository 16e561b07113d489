/**
 * The emulated machine: one x86-64 CPU ({@link org.uvm4j.machine.Machine}) over the UVM's physical
 * memory, the TLB-fill path into the fault handler, CPU contexts, and the one small interface a
 * libunicorn binding implements ({@link org.uvm4j.machine.CpuBackend}, with {@link
 * org.uvm4j.machine.CpuHooks} for the calls back).
 *
 * <p>Invariants: no native types cross {@code CpuBackend}; hooks never throw into native code; the
 * fill path allocates and logs nothing on a pmap hit. May import {@code org.uvm4j.uvm} and Log4j,
 * never a binding ({@code machine.unicorn}, {@code machine.ffm}) nor {@code machine.backend}, which
 * sit above it.
 */
package org.uvm4j.machine;
