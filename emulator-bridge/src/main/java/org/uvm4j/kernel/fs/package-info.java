/**
 * Files as the kernel sees them: the guest's VFS (docs/fs.md) — {@link org.uvm4j.kernel.fs.Vfs}
 * walks names, {@link org.uvm4j.kernel.fs.MountTable} holds the mounts made by {@link
 * org.uvm4j.kernel.fs.FsLayout}, {@link org.uvm4j.kernel.fs.Vnode}s are host directories, tmpfs
 * nodes, uvm4j's devices and synthetic directories — descriptor tables ({@link
 * org.uvm4j.kernel.fs.FileTable}), reference-counted open descriptions ({@link
 * org.uvm4j.kernel.fs.OpenFile}: the console, pipes, regular files, directories, devices), {@code
 * struct stat}, and wait channels for sleeping readers and writers.
 *
 * <p>Invariants: every non-null descriptor slot holds one reference on its description; a
 * description's {@code closed()} runs once, when its last reference goes; a walk never leaves the
 * caller's root (".." stops there, symbolic links are resolved by the walk, never by the host);
 * read-only mounts are never changed; the host's devices and procfs are never opened. Errors:
 * positive errno for operations without a result, {@link org.uvm4j.uvm.UvmException} for those with
 * one ({@link org.uvm4j.kernel.fs.OpenFile#WOULD_BLOCK} is a result: the caller sleeps and
 * retries).
 *
 * <p>May import: {@code org.uvm4j.uvm} (Errno, UvmException) only; nothing of the kernel above it.
 */
package org.uvm4j.kernel.fs;
