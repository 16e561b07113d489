/**
 * The host memory behind the emulated RAM: {@link org.uvm4j.machine.ram.MmapRamBacking}, the {@link
 * org.uvm4j.uvm.page.RamBacking} of anonymous private {@code mmap(MAP_NORESERVE)} regions, which
 * cost address space only until a guest touches a frame; {@link org.uvm4j.machine.ram.CodePage},
 * the bindings' page of native code. Both call libc through {@link org.uvm4j.machine.host.HostLibc}
 * (FFM on Java 22+, else JNA).
 *
 * <p>Invariants: a region stays mapped until its backing is closed, and is closed only after the
 * emulator and the physical memory let go of it (the kernel closes the machine first). May import
 * {@code org.uvm4j.uvm.page}, {@code org.uvm4j.machine.host} and {@code
 * org.uvm4j.machine.MachineException}; no binding library (JNA, {@code java.lang.foreign}).
 */
package org.uvm4j.machine.ram;
