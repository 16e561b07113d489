/**
 * The fault handler ({@code uvm_fault.c}): {@link org.uvm4j.uvm.fault.FaultHandler} resolves a page
 * fault of an address space (zero fill, copy-on-write, page-in, object pages) and enters the
 * translation into the pmap; {@link org.uvm4j.uvm.fault.FaultResult} says how it ended. See
 * docs/vm.md.
 *
 * <p>Invariants: after {@code FaultResult.OK} the pmap holds a translation that allows the access;
 * the handler returns with no lock held and allocates nothing while tracing is off.
 *
 * <p>Layer 9 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap}, {@code amap}, {@code obj}, {@code system} and {@code map}.
 */
package org.uvm4j.uvm.fault;
