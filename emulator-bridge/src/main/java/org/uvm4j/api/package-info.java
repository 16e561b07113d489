/**
 * The Java API for running guests (docs/api.md): {@link org.uvm4j.api.Uvm4j#guest} starts a {@link
 * org.uvm4j.api.GuestBuilder} (program, arguments, environment, stdin, RAM, swap, backend, file
 * system, run limits, what to record), {@link org.uvm4j.api.GuestBuilder#run()} runs it on a fresh
 * machine and kernel and returns a {@link org.uvm4j.api.GuestResult}: exit status or killing
 * signal, stdout and stderr, the {@code --stats} counters, the trace records, the {@code --maps}
 * reports as entries, the strace lines, the summary and the system audit. {@code uvm4j run}
 * (package {@code cli}) is a client of this API.
 *
 * <p>Invariants: one run, one {@code Kernel}: nothing is shared between runs (no static state), so
 * runs on different threads do not meet; a run never writes to {@code System.out}/{@code
 * System.err} unless the caller passes them as the guest's streams; a failure is a {@link
 * org.uvm4j.api.Uvm4jException} carrying the shell status the CLI would exit with and, when the
 * kernel existed, what the run recorded until then.
 *
 * <p>May import: {@code org.uvm4j.kernel..} (the syscall layer included, to build a kernel), {@code
 * org.uvm4j.machine..}, {@code org.uvm4j.uvm..}; imported by {@code cli} and {@code api.junit}
 * only.
 */
package org.uvm4j.api;
