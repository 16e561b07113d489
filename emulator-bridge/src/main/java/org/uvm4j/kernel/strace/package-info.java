/**
 * {@code --strace}: every guest system call, signal and exit in strace's format ({@code PID
 * name(args) = result}), formatted from the signatures of {@code kernel.syscall.Linux64Args} and
 * the names of {@code Linux64}.
 *
 * <p>Invariants: the tracer only reads guest memory (a page it reads is faulted in as ptrace's
 * {@code access_process_vm} would); it runs only when {@code --strace} is given ({@link
 * org.uvm4j.kernel.StraceHook} is null otherwise). May import {@code org.uvm4j.kernel}, {@code
 * kernel.syscall} and {@code org.uvm4j.uvm}; only the CLI imports it.
 */
package org.uvm4j.kernel.strace;
