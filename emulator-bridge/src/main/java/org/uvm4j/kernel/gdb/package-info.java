/**
 * {@code --gdb PORT}: a GDB remote serial protocol stub (as qemu-user's {@code -g}) for the process
 * it follows: registers (with {@code fs_base}), memory through the guest's address space (reading
 * an unfaulted page faults it in, as ptrace does), software breakpoints kept in the stub (guest
 * memory is never patched), single step, continue, Ctrl-C, the x86-64 target description, {@code
 * vCont}, detach and kill.
 *
 * <p>Invariants: all-stop — while gdb has the followed process stopped, the whole machine waits
 * (the stub runs on the kernel's CPU thread); the stub only calls into the kernel through {@link
 * org.uvm4j.kernel.DebugHook}. May import {@code org.uvm4j.kernel}, {@code org.uvm4j.machine} and
 * {@code org.uvm4j.uvm}; only the CLI imports it.
 */
package org.uvm4j.kernel.gdb;
