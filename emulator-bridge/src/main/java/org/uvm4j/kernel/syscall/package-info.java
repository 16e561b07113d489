/**
 * The Linux x86-64 system call edge: the table declared once in {@link
 * org.uvm4j.kernel.syscall.Linux64} (supported / partial / unsupported rows, from which
 * docs/kernel.md's table is generated), dispatch through one reused {@link
 * org.uvm4j.kernel.syscall.SyscallContext} per CPU (C-typed argument access), copy-in and copy-out
 * through {@link org.uvm4j.kernel.syscall.UserMemory} and the user-struct records ({@link
 * org.uvm4j.kernel.syscall.Timespec}, {@link org.uvm4j.kernel.syscall.Iovec}, …), and the handler
 * classes per area.
 *
 * <p>Invariants: every guest pointer goes through the vmspace's copyin/copyout (a bad one is
 * EFAULT, never an exception); a handler returns Linux's value (result ≥ 0 or {@code -errno}),
 * {@link org.uvm4j.kernel.syscall.Syscall#ERESTART} or {@link
 * org.uvm4j.kernel.syscall.Syscall#EJUSTRETURN}; this package is where positive errnos and {@link
 * org.uvm4j.uvm.UvmException}s of the layers below become negative return values. Handlers hold
 * only the kernel parts they use (constructor injection), never the {@code Kernel}.
 *
 * <p>May import: {@code org.uvm4j.kernel} and its {@code fs} and {@code elf} packages, {@code
 * org.uvm4j.machine} (registers), {@code org.uvm4j.uvm..}. Must not import {@code cli}.
 */
package org.uvm4j.kernel.syscall;
