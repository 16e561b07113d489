/**
 * libunicorn through JNA (direct mapping, primitive arguments): {@link
 * org.uvm4j.machine.unicorn.UnicornBackend}, the {@link org.uvm4j.machine.CpuBackend} binding that
 * runs on any Java 17+, and {@link org.uvm4j.machine.unicorn.UnicornLibrary}, which finds, checks
 * and binds the library once per JVM.
 *
 * <p>Invariants: callbacks catch every throwable and allocate nothing on the fill path; a load
 * failure is never swallowed. May import {@code org.uvm4j.machine}, {@code org.uvm4j.machine.uc},
 * {@code org.uvm4j.uvm.Prot}, JNA and Log4j.
 */
package org.uvm4j.machine.unicorn;
