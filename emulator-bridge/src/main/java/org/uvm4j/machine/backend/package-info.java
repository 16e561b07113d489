/**
 * Backend selection: which libunicorn binding ({@code machine.unicorn}, JNA; {@code machine.ffm},
 * FFM on Java 22+) a {@link org.uvm4j.machine.Machine} runs on. Sits above {@code machine} and both
 * bindings, so that {@code machine} never imports a binding.
 *
 * <p>Invariants: the FFM binding is reached only by reflection (its classes exist only in the
 * multi-release jar's Java 22 layer), so this package loads on Java 17; asking for an unavailable
 * binding is a {@link org.uvm4j.machine.MachineException} with one line saying why. May import
 * {@code org.uvm4j.machine}, {@code org.uvm4j.machine.unicorn} and {@code org.uvm4j.uvm}.
 */
package org.uvm4j.machine.backend;
