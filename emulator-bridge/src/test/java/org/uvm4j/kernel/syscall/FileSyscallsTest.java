package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.uvm.Errno;

/** Descriptor and file syscalls run directly (no guest, no CPU). */
class FileSyscallsTest {
  static final long AT_FDCWD_AS_GLIBC_PASSES_IT = 0xffff_ff9cL;
  static final int O_NONBLOCK = 04000;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  FileSyscalls fs;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    fs = f.h.file();
    buf = f.userMemory(p, 4 * 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private int[] pipe(int flags) throws Exception {
    assertThat(f.call(p, fs::pipe2, buf, flags)).isZero();
    return new int[] {f.readInt(p, buf), f.readInt(p, buf + 4)};
  }

  @Test
  void pipeWriteThenReadMovesTheBytes() throws Exception {
    int[] fds = pipe(0);
    assertThat(fds).containsExactly(3, 4);
    long src = buf + 4096;
    assertThat(f.mem(p).write(src, "hello".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(f.call(p, fs::write, fds[1], src, 5)).isEqualTo(5);
    long dst = buf + 8192;
    assertThat(f.call(p, fs::read, fds[0], dst, 100)).isEqualTo(5);
    byte[] got = new byte[5];
    f.mem(p).read(dst, got, 0, 5);
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello");
  }

  @Test
  void readOfAnEmptyPipeSleepsAndRestartsOrAnswersEagainWhenNonBlocking() throws Exception {
    int[] fds = pipe(0);
    assertThat(f.call(p, fs::read, fds[0], buf + 4096, 10)).isEqualTo(Syscall.ERESTART);
    assertThat(p.state()).isEqualTo(ProcState.SLEEPING);
    f.k.scheduler.setRunnable(p);
    int[] nb = pipe(O_NONBLOCK);
    assertThat(f.call(p, fs::read, nb[0], buf + 4096, 10)).isEqualTo(-Errno.EAGAIN);
  }

  @Test
  void readvGathersIntoSeveralBuffers() throws Exception {
    int[] fds = pipe(0);
    f.mem(p).write(buf + 4096, "abcdef".getBytes(StandardCharsets.US_ASCII));
    f.call(p, fs::write, fds[1], buf + 4096, 6);
    long iov = buf + 8192;
    assertThat(new Iovec(buf + 12288, 2).write(f.mem(p), iov)).isZero();
    assertThat(new Iovec(buf + 12298, 4).write(f.mem(p), iov + Iovec.SIZE)).isZero();
    assertThat(f.call(p, fs::readv, fds[0], iov, 2)).isEqualTo(6);
    byte[] a = new byte[2];
    byte[] b = new byte[4];
    f.mem(p).read(buf + 12288, a, 0, 2);
    f.mem(p).read(buf + 12298, b, 0, 4);
    assertThat(new String(a, StandardCharsets.US_ASCII) + new String(b, StandardCharsets.US_ASCII))
        .isEqualTo("abcdef");
    assertThat(f.call(p, fs::readv, fds[0], iov, 1025)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::readv, fds[0], 0x10, 1)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void closeAndDupAnswerNegativeEbadfAlike() {
    assertThat(f.call(p, fs::close, 77)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::dup, 77)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::dup2, 77, 5)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::dup, 1)).isEqualTo(3);
    assertThat(f.call(p, fs::close, 3)).isZero();
    assertThat(f.call(p, fs::close, 3)).isEqualTo(-Errno.EBADF);
  }

  @Test
  void openatTakesAtFdcwdAsTheLow32BitsAndFstatFillsAStat() throws Exception {
    Files.writeString(dir.resolve("data.txt"), "0123456789");
    f.putString(p, buf, "data.txt");
    long fd = f.call(p, fs::openat, AT_FDCWD_AS_GLIBC_PASSES_IT, buf, 0);
    assertThat(fd).isEqualTo(3);
    assertThat(f.call(p, fs::fstat, fd, buf + 4096)).isZero();
    byte[] st = new byte[Stat.SIZE];
    f.mem(p).read(buf + 4096, st, 0, st.length);
    assertThat(java.nio.ByteBuffer.wrap(st).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(48))
        .as("st_size")
        .isEqualTo(10);
    assertThat(f.call(p, fs::pread64, fd, buf + 8192, 4, 6)).isEqualTo(4);
    assertThat(f.call(p, fs::lseek, fd, -1, 0)).isEqualTo(-Errno.EINVAL);
    f.putString(p, buf, "missing");
    assertThat(f.call(p, fs::openat, AT_FDCWD_AS_GLIBC_PASSES_IT, buf, 0)).isEqualTo(-Errno.ENOENT);
    assertThat(f.call(p, fs::open, 0x10, 0)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void getcwdIsTheConfiguredDirectory() throws Exception {
    byte[] want = (dir.toString() + "\0").getBytes(StandardCharsets.UTF_8);
    assertThat(f.call(p, fs::getcwd, buf, 4096)).isEqualTo(want.length);
    byte[] got = new byte[want.length];
    f.mem(p).read(buf, got, 0, got.length);
    assertThat(got).isEqualTo(want);
    assertThat(f.call(p, fs::getcwd, buf, 2)).isEqualTo(-Errno.ERANGE);
  }

  @Test
  void fcntlAndIoctl() {
    assertThat(f.call(p, fs::fcntl, 1, 1030, 10)).isEqualTo(10);
    assertThat(f.call(p, fs::fcntl, 10, 1, 0)).isEqualTo(1); // F_GETFD: FD_CLOEXEC
    assertThat(f.call(p, fs::fcntl, 1, 999, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::ioctl, 1, 0x5413, buf)).isEqualTo(-Errno.ENOTTY);
    assertThat(f.call(p, fs::ioctl, 55, 0x5413, buf)).isEqualTo(-Errno.EBADF);
  }
}
