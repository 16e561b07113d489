/**
 * The host memory behind the emulated RAM: {@link org.uvm4j.machine.ram.MmapRamBacking}, the {@link
 * org.uvm4j.uvm.page.RamBacking} of anonymous private {@code mmap(MAP_NORESERVE)} regions (through
 * JNA), which cost address space only until a guest touches a frame; {@link
 * org.uvm4j.machine.ram.HostPages}, libc's page calls for it and for the JNA binding's native code
 * page.
 *
 * <p>Invariants: a region stays mapped until its backing is closed, and is closed only after the
 * emulator and the physical memory let go of it (the kernel closes the machine first). May import
 * {@code org.uvm4j.uvm.page} and JNA; nothing else of uvm4j.
 */
package org.uvm4j.machine.ram;
