package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;

/**
 * One system call: the six argument registers (RDI, RSI, RDX, R10, R8, R9) in, the value for RAX
 * out — a result, {@code -errno}, {@link Syscall#EJUSTRETURN} or {@link Syscall#ERESTART}.
 */
@FunctionalInterface
public interface SyscallHandler {
  long call(Proc p, long a0, long a1, long a2, long a3, long a4, long a5);
}
