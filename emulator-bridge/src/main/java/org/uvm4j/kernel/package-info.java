/**
 * The uvm4j kernel core: tasks and processes ({@link org.uvm4j.kernel.Proc} is a thread, {@link
 * org.uvm4j.kernel.Threads} the thread group that is a process, {@link
 * org.uvm4j.kernel.ProcTable}), futexes ({@link org.uvm4j.kernel.Futexes}), round-robin scheduling
 * on virtual time over the machine's virtual CPUs ({@link org.uvm4j.kernel.Scheduler}, {@link
 * org.uvm4j.kernel.VirtualClock}, {@link org.uvm4j.kernel.VirtualCpus}, {@link
 * org.uvm4j.kernel.CpuMask}), fork/exit/wait ({@link org.uvm4j.kernel.ProcLifecycle}), exec ({@link
 * org.uvm4j.kernel.Exec}), signals ({@link org.uvm4j.kernel.SignalDelivery}), the one executing CPU
 * ({@link org.uvm4j.kernel.Cpu}) and the run loop that handles traps ({@link
 * org.uvm4j.kernel.Kernel}).
 *
 * <p>Invariants: everything runs on the thread that called {@link org.uvm4j.kernel.Kernel#run}, in
 * an order that depends only on the program, its arguments and the configuration; a live task has a
 * vmspace and a descriptor table (shared by the threads of a process), a zombie process only its
 * wait status; the state of a sleeping, restartable system call is in the process's {@link
 * org.uvm4j.kernel.RestartBlock}. Errors: an operation without a result returns a positive errno (0
 * = success), one with a result throws {@link org.uvm4j.uvm.UvmException}; no errno is negated here
 * except in {@link org.uvm4j.kernel.SyscallLayer}, the edge's contract.
 *
 * <p>May import: {@code kernel.bitmap} (under {@code CpuMask}), {@code kernel.fs}, {@code
 * kernel.elf}, {@code kernel.mempolicy}, {@code org.uvm4j.machine}, {@code org.uvm4j.uvm..}. Must
 * not import {@code kernel.syscall} or {@code cli}: the syscall layer is built by a {@link
 * org.uvm4j.kernel.SyscallLayer.Factory} from {@link org.uvm4j.kernel.KernelServices}, and each
 * part gets the few parts it uses in its constructor.
 */
package org.uvm4j.kernel;
