package org.uvm4j.machine.host;

import java.nio.ByteBuffer;

/**
 * The host C library calls uvm4j makes outside its libunicorn binding: the emulated RAM's and the
 * preemption hook's pages ({@code mmap}, {@code mprotect}, {@code madvise}, {@code munmap}), and
 * the two host-file questions the JDK cannot ask ({@code stat}/{@code lstat} for {@code st_blocks},
 * {@code open}/{@code close} with {@code O_NONBLOCK} for FIFOs). Two implementations: JNA (any Java
 * 17+) and FFM (Java 22+, compiled only on a JDK 22+); {@link HostLibcs#host()} is the one a
 * process uses.
 *
 * <p>Invariants: each method calls exactly the libc function it is named after, with Linux's x86-64
 * flag values (the constants here) and C strings in the JDK's file-name encoding ({@link
 * #cString}); a call that fails (returns -1) throws {@link HostCallException} with the host's
 * errno, the same number and text through both implementations; a call that succeeds has no other
 * effect than the C function's.
 */
public interface HostLibc {
  int PROT_READ = 0x1;
  int PROT_WRITE = 0x2;
  int PROT_EXEC = 0x4;
  int MAP_PRIVATE = 0x02;
  int MAP_ANONYMOUS = 0x20;
  int MAP_NORESERVE = 0x4000;
  int MADV_HUGEPAGE = 14;
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_NONBLOCK = 04000;
  int O_NOFOLLOW = 0400000;
  int O_CLOEXEC = 02000000;

  /** Bytes of the x86-64 kernel's (and glibc's, musl's) {@code struct stat}. */
  int STAT_SIZE = 144;

  /** {@code "ffm"} or {@code "jna"}: which binding makes the calls. */
  String binding();

  /** {@code mmap(addr, length, prot, flags, fd, offset)}: the mapping's address. */
  long mmap(long addr, long length, int prot, int flags, int fd, long offset);

  /** {@code mprotect(addr, length, prot)}. */
  void mprotect(long addr, long length, int prot);

  /** {@code madvise(addr, length, advice)}. */
  void madvise(long addr, long length, int advice);

  /** {@code munmap(addr, length)}. */
  void munmap(long addr, long length);

  /**
   * {@code stat(path, buf)}: the target's {@code struct stat} into {@code buf}'s first {@link
   * #STAT_SIZE} bytes, as the kernel lays it out (little-endian x86-64).
   */
  void stat(String path, byte[] buf);

  /** {@code lstat(path, buf)}: as {@link #stat}, of a symbolic link itself. */
  void lstat(String path, byte[] buf);

  /** {@code open(path, flags)} (no {@code O_CREAT}, so no mode): the new descriptor. */
  int open(String path, int flags);

  /** {@code close(fd)}. */
  void close(int fd);

  /**
   * No libc call: {@code length} bytes of host memory at {@code address} as a direct buffer in the
   * host's native byte order, valid while the memory stays mapped.
   */
  ByteBuffer memory(long address, int length);

  /**
   * {@code path} as the NUL-terminated bytes libc gets: in the encoding the JDK itself gives file
   * names to the host ({@code sun.jnu.encoding}), so both bindings name the file the JDK opened.
   */
  static byte[] cString(String path) {
    byte[] b = path.getBytes(FileNames.CHARSET);
    byte[] c = new byte[b.length + 1];
    System.arraycopy(b, 0, c, 0, b.length);
    return c;
  }
}
