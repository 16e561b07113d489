/**
 * The host C library calls made outside the libunicorn binding, behind one seam: {@link
 * org.uvm4j.machine.host.HostLibc} ({@code mmap}, {@code mprotect}, {@code madvise}, {@code munmap}
 * for the emulated RAM and the preemption hook's code page; {@code stat}, {@code lstat}, {@code
 * open}, {@code close} for the host-file questions of {@code kernel.fs}), implemented through JNA
 * ({@code JnaHostLibc}) and through FFM ({@code FfmHostLibc}, in {@code src/main/java22}, so in the
 * multi-release jar's Java 22 layer and the launcher's FFM jar). {@link
 * org.uvm4j.machine.host.HostLibcs} chooses once per process: FFM when the JVM has it, unless the
 * process's libunicorn binding is JNA; a failed call is a {@link
 * org.uvm4j.machine.host.HostCallException} carrying the host's errno, the same through both.
 *
 * <p>Invariants: nothing outside this package names an implementation; the FFM one is reached by
 * name only, so the package loads on Java 17. Imports nothing of uvm4j (JNA, {@code
 * java.lang.foreign} and Log4j only).
 */
package org.uvm4j.machine.host;
