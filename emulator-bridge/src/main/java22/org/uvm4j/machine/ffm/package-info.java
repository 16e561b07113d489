/**
 * libunicorn through the JDK's FFM API ({@code java.lang.foreign}, final since Java 22): {@link
 * org.uvm4j.machine.ffm.FfmBackend}, the faster of the two {@link org.uvm4j.machine.CpuBackend}
 * bindings (an upcall costs a fraction of JNA's callback), with {@link
 * org.uvm4j.machine.ffm.FfmLibrary} (finding and checking the library) and the downcall handles.
 *
 * <p>Compiled only when Maven runs on a JDK 22+, with {@code --release 22}, into {@code
 * META-INF/versions/22} of the multi-release jar; nothing outside this package names these classes
 * ({@code machine.backend} reaches {@code FfmBackend.open()} by reflection). Invariants: no upcall
 * lets a throwable escape (that would end the JVM); the TLB-fill upcall allocates nothing. May
 * import {@code org.uvm4j.machine}, {@code org.uvm4j.machine.uc} and {@code org.uvm4j.uvm.Prot}.
 */
package org.uvm4j.machine.ffm;
