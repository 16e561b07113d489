/**
 * Files as the kernel sees them: descriptor tables ({@link org.uvm4j.kernel.fs.FileTable}),
 * reference-counted open descriptions ({@link org.uvm4j.kernel.fs.OpenFile}) — the console, pipes,
 * read-only host files and directories — the host file system lookup ({@link
 * org.uvm4j.kernel.fs.HostFs}), {@code struct stat}, and wait channels for sleeping readers and
 * writers.
 *
 * <p>Invariants: every non-null descriptor slot holds one reference on its description; a
 * description's {@code closed()} runs once, when its last reference goes; guests can never write
 * host files. Errors: positive errno for operations without a result, {@link
 * org.uvm4j.uvm.UvmException} for those with one ({@link org.uvm4j.kernel.fs.OpenFile#WOULD_BLOCK}
 * is a result: the caller sleeps and retries).
 *
 * <p>May import: {@code org.uvm4j.uvm} (Errno, UvmException) only; nothing of the kernel above it.
 */
package org.uvm4j.kernel.fs;
