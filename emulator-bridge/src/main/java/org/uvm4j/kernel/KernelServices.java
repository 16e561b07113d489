package org.uvm4j.kernel;

import org.uvm4j.kernel.fs.Vfs;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.system.Uvm;

/**
 * The kernel parts a {@link SyscallLayer.Factory} may wire into its handlers. It exists only while
 * the kernel is assembled: each handler keeps the few parts it needs (constructor injection), not
 * this record, so no class holds the whole kernel.
 *
 * @param pageDaemon the page daemon (MADV_PAGEOUT asks it), or null where a test kernel has none
 */
public record KernelServices(
    KernelConfig config,
    Uvm uvm,
    Scheduler scheduler,
    VirtualClock clock,
    ProcTable procs,
    SignalDelivery signals,
    ProcLifecycle lifecycle,
    Exec exec,
    Vfs vfs,
    Cpu cpu,
    KernelCounters counters,
    Futexes futexes,
    PageDaemon pageDaemon) {}
