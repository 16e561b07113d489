package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;

/**
 * {@code /proc/PID/mem} through the system calls (fs/proc/base.c: mem_open, mem_rw, mem_lseek):
 * offsets are addresses, accesses are forced, unmapped addresses are EIO, lseek takes SEEK_SET and
 * SEEK_CUR only, and another process's memory is reachable as ptrace-attach allows it (the
 * process's own threads always, any other process of the one user while it is dumpable: no Yama).
 */
class ProcMemSyscallsTest {
  static final long AT_FDCWD = 0xffff_ff9cL;
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int SEEK_SET = 0;
  static final int SEEK_CUR = 1;
  static final int SEEK_END = 2;

  HandlerFixture f;
  Proc p;
  FileSyscalls fs;
  long buf;
  long path;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(Path.of("/"));
    p = f.k.newProc();
    fs = f.h.file();
    buf = f.userMemory(p, 4 * 4096);
    path = buf + 3 * 4096;
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private long open(Proc caller, String name, int flags) {
    f.putString(caller, path, name);
    return f.call(caller, fs::openat, AT_FDCWD, path, flags);
  }

  private long mem(Proc target, int flags) {
    return open(p, "/proc/" + target.pid() + "/mem", flags);
  }

  @Test
  void readsAndWritesTheProcessAtAddresses() throws Exception {
    long fd = open(p, "/proc/self/mem", O_RDWR);
    assertThat(fd).isNotNegative();
    f.putString(p, buf + 100, "guest bytes");
    // pread at the address of the string into buf + 200
    assertThat(f.call(p, fs::pread64, fd, buf + 200, 11, buf + 100)).isEqualTo(11);
    byte[] got = new byte[11];
    assertThat(p.vm().copyin(buf + 200, got, 0, 11)).isZero();
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("guest bytes");
    // lseek + write, then the offset has moved on
    assertThat(f.call(p, fs::lseek, fd, buf + 100, SEEK_SET)).isEqualTo(buf + 100);
    assertThat(f.call(p, fs::write, fd, buf + 106, 5)).isEqualTo(5); // "bytes" over "guest"
    assertThat(f.call(p, fs::lseek, fd, 0, SEEK_CUR)).isEqualTo(buf + 105);
    assertThat(f.call(p, fs::lseek, fd, -5, SEEK_CUR)).isEqualTo(buf + 100);
    assertThat(p.vm().copyin(buf + 100, got, 0, 11)).isZero();
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("bytes bytes");
  }

  @Test
  void aReadOnlyPageIsWrittenAndStaysReadOnly() {
    long fd = open(p, "/proc/self/mem", O_RDWR);
    assertThat(p.vm().mprotect(buf, 4096, Prot.READ)).isZero();
    f.putString(p, buf + 4096, "X");
    assertThat(f.call(p, fs::pwrite64, fd, buf + 4096, 1, buf)).isEqualTo(1);
    byte[] b = new byte[1];
    assertThat(p.vm().copyin(buf, b, 0, 1)).isZero();
    assertThat(b[0]).isEqualTo((byte) 'X');
    assertThat(p.vm().copyout(buf, b, 0, 1)).isEqualTo(Errno.EFAULT);
    assertThat(p.vm().map().lookup(buf).protection).isEqualTo(Prot.READ);
  }

  @Test
  void unmappedAddressesAreEioAndTransfersStopAtThem() {
    long fd = open(p, "/proc/self/mem", O_RDWR);
    assertThat(f.call(p, fs::pread64, fd, buf, 1, 0)).isEqualTo(-Errno.EIO);
    assertThat(f.call(p, fs::pwrite64, fd, buf, 1, 0x1000)).isEqualTo(-Errno.EIO);
    assertThat(f.call(p, fs::pread64, fd, buf, 1, -4096L)).isEqualTo(-Errno.EINVAL);
    long end = buf + 4 * 4096;
    assertThat(f.call(p, fs::pread64, fd, buf, 64, end - 16)).isEqualTo(16);
    assertThat(f.call(p, fs::lseek, fd, end, SEEK_SET)).isEqualTo(end);
    assertThat(f.call(p, fs::read, fd, buf, 8)).isEqualTo(-Errno.EIO);
    assertThat(f.call(p, fs::lseek, fd, 0, SEEK_CUR)).isEqualTo(end); // not moved
  }

  @Test
  void lseekTakesSeekSetAndSeekCurOnly() {
    long fd = open(p, "/proc/self/mem", O_RDONLY);
    assertThat(f.call(p, fs::lseek, fd, 0, SEEK_END)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::lseek, fd, 0, 3)).isEqualTo(-Errno.EINVAL); // SEEK_DATA
    assertThat(f.call(p, fs::pwrite64, fd, buf, 1, buf)).isEqualTo(-Errno.EBADF);
  }

  @Test
  void anyDumpableProcessIsReachedAndANonDumpableOneIsNot() {
    Proc child = f.k.child(p);
    Proc grandchild = f.k.child(child);
    Proc sibling = f.k.newProc();
    long cbuf = f.userMemory(child, 4096);
    f.putString(child, cbuf, "child's");
    long fd = mem(child, O_RDWR);
    assertThat(fd).isNotNegative();
    assertThat(f.call(p, fs::pread64, fd, buf, 7, cbuf)).isEqualTo(7);
    assertThat(mem(grandchild, O_RDONLY)).isNotNegative();
    assertThat(mem(sibling, O_RDONLY)).isNotNegative(); // no Yama: unrelated is fine
    assertThat(open(child, "/proc/" + p.pid() + "/mem", O_RDONLY)).isNotNegative();
    child.setDumpable(0); // prctl(PR_SET_DUMPABLE, 0)
    assertThat(mem(child, O_RDONLY)).isEqualTo(-Errno.EACCES);
    sibling.setDumpable(2); // SUID_DUMP_ROOT: not SUID_DUMP_USER
    assertThat(mem(sibling, O_RDONLY)).isEqualTo(-Errno.EACCES);
    assertThat(f.call(p, fs::pread64, fd, buf, 7, cbuf)).isEqualTo(7); // an open one keeps going
  }

  @Test
  void threadsOfTheProcessShareIt() {
    Proc t = f.k.thread(p);
    p.setDumpable(0); // the same address space needs no permission
    assertThat(mem(t, O_RDWR)).isNotNegative();
  }

  @Test
  void aProcessWithoutAnAddressSpaceIsEsrch() {
    Proc child = f.k.child(p);
    f.k.lifecycle.exit(child, org.uvm4j.kernel.WaitStatus.exited(0)); // a zombie
    assertThat(mem(child, O_RDONLY)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void aDescriptorReadsNothingOnceItsAddressSpaceIsGone() {
    Proc child = f.k.child(p);
    long cbuf = f.userMemory(child, 4096);
    long fd = mem(child, O_RDONLY);
    assertThat(fd).isNotNegative();
    f.k.lifecycle.exit(child, org.uvm4j.kernel.WaitStatus.exited(0));
    assertThat(f.call(p, fs::pread64, fd, buf, 1, cbuf)).isZero();
  }
}
