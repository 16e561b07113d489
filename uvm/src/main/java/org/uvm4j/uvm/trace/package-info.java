/**
 * Fault-path tracing, in the spirit of NetBSD's {@code UVMHIST}: the {@link
 * org.uvm4j.uvm.trace.Tracer} the VM system calls, the records it makes (one per fault, fork,
 * munmap, mprotect, page-out, page-in, page-daemon pass and process event), the filter that keeps
 * some of them, and the sinks that write them (JSON lines, the Chrome/Perfetto trace-event format,
 * Log4j 2 lines per subsystem).
 *
 * <p>With tracing off nothing here runs: the fault handler tests one flag and the other hooks one
 * null reference. With tracing on, the fault record is a reused mutable object and the writers
 * stream straight into a buffer, so a traced fault allocates only what the JSON encoder needs.
 *
 * <p>Field names and values are a stable, documented format ({@code docs/tracing.md}); the enums
 * here ({@link org.uvm4j.uvm.trace.FaultPath}, {@link org.uvm4j.uvm.trace.Outcome}, {@link
 * org.uvm4j.uvm.trace.AmapCopy}) carry that vocabulary, independent of the Java names inside the
 * fault handler.
 *
 * <p>Layer 12, the top of docs/design.md ("Layering"): may import every uvm package beneath it
 * except {@code pdaemon} and {@code audit}; lower layers must not import it.
 */
package org.uvm4j.uvm.trace;
