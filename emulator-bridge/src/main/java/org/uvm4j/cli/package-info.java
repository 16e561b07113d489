/**
 * The {@code uvm4j} command line (picocli): {@link org.uvm4j.cli.Main} parses options into a {@link
 * org.uvm4j.cli.RunRequest} and hands it to a {@link org.uvm4j.cli.GuestRunner} — in production
 * {@link org.uvm4j.cli.KernelRunner}, a client of the Java API ({@code org.uvm4j.api}), which
 * assembles a {@code Kernel} with the {@code Linux64} syscall layer — and maps failures to exit
 * codes (127 not found, 126 not executable, 125 uvm4j itself).
 *
 * <p>Invariants: only this package writes to {@code System.out}/{@code System.err} on its own
 * behalf; option errors are one clear line, never a stack trace.
 *
 * <p>May import: everything below it ({@code org.uvm4j.api}, {@code org.uvm4j.kernel..}, {@code
 * org.uvm4j.machine..}, {@code org.uvm4j.uvm..}); nothing imports it.
 */
package org.uvm4j.cli;
