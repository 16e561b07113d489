package org.uvm4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.uvm.trace.Tracer;

/**
 * One validated {@code uvm4j run}: machine sizes, optional swap file, the program and its arguments
 * ({@code argv[0]} is the program as the user wrote it).
 *
 * @param ramBytes emulated RAM, a whole number of pages
 * @param swapFile swap file, or null for none
 * @param swapBytes swap size (0 when there is no swap file)
 * @param stats print the UVM counters at exit
 * @param program the guest executable
 * @param argv the guest's argument vector
 * @param tracer where the run's trace goes (opened from the trace options), or null: tracing off
 * @param maps print each process's map at exit (--maps)
 * @param deterministic exact instruction-count time slices (--deterministic) instead of uncounted
 *     runs preempted by a CPU-time slice watchdog
 * @param backend the libunicorn binding to run on (--backend; AUTO: FFM when available)
 * @param swapForce use an existing swap file holding data, overwriting it (--swap-force)
 * @param timeout wall-clock limit of the run (--timeout), or null for none
 * @param maxInstructions virtual instruction limit of the run (--max-instructions), 0 for none
 * @param metadataBudget heap bytes for guest VM metadata (--metadata-budget), 0 for the default
 * @param tools --strace and the other study tools ({@link ToolOptions.Tools#NONE}: none)
 * @param fs the guest's file system (--root, --bind)
 * @param timeSlice CPU-time slice of a preempted CPU-bound process (--time-slice), or null for the
 *     default
 * @param clockStart what CLOCK_REALTIME reads at boot (--clock-start), or null: not given (the
 *     host's wall clock, 2024-01-01T00:00:00Z with {@code deterministic})
 * @param cpus the machine's virtual CPUs (--cpus), 1 or more
 */
public record RunRequest(
    long ramBytes,
    Path swapFile,
    long swapBytes,
    boolean stats,
    Path program,
    List<String> argv,
    Tracer tracer,
    boolean maps,
    boolean deterministic,
    BackendKind backend,
    boolean swapForce,
    java.time.Duration timeout,
    long maxInstructions,
    long metadataBudget,
    ToolOptions.Tools tools,
    FsLayout fs,
    java.time.Duration timeSlice,
    ClockStart clockStart,
    int cpus) {
  public RunRequest {
    argv = List.copyOf(argv);
    Objects.requireNonNull(tools, "tools");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(fs, "fs");
  }
}
