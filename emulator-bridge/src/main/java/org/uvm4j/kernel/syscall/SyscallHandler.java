package org.uvm4j.kernel.syscall;

import org.uvm4j.uvm.UvmException;

/**
 * One system call: reads its arguments from the {@link SyscallContext} and returns the value for
 * RAX — a result, {@code -errno}, {@link Syscall#EJUSTRETURN} or {@link Syscall#ERESTART}. A {@link
 * UvmException} thrown out of it (a bad pointer while copying a struct in, …) is the syscall's
 * {@code -errno}.
 */
@FunctionalInterface
public interface SyscallHandler {
  long call(SyscallContext c) throws UvmException;
}
