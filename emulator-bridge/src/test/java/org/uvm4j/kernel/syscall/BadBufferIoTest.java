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
import org.uvm4j.uvm.Errno;

/**
 * read/write/pread64/getrandom with a destination that is bad or only partly usable give Linux's
 * answers: the data a bad buffer cannot take stays in a pipe, a file's offset moves by what was
 * copied, a partly usable buffer gets the partial count, an impossible size is EFAULT.
 */
class BadBufferIoTest {
  static final int PAGE = 4096;
  static final int SEEK_CUR = 1;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  FileSyscalls fs;

  /** Two pages: the first mapped read/write, the second unmapped. */
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    fs = f.h.file();
    buf = f.userMemory(p, 2 * PAGE);
    assertThat(p.vm().munmap(buf + PAGE, PAGE)).isZero();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private int[] pipe() throws Exception {
    assertThat(f.call(p, fs::pipe2, buf, 0)).isZero();
    return new int[] {f.readInt(p, buf), f.readInt(p, buf + 4)};
  }

  private String readBack(long va, int n) throws Exception {
    byte[] got = new byte[n];
    f.mem(p).read(va, got, 0, n);
    return new String(got, StandardCharsets.US_ASCII);
  }

  @Test
  void aPipeKeepsItsBytesWhenTheBufferIsNull() throws Exception {
    int[] fds = pipe();
    assertThat(f.mem(p).write(buf + 100, "abcd".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(f.call(p, fs::write, fds[1], buf + 100, 4)).isEqualTo(4);
    assertThat(f.call(p, fs::read, fds[0], 0, 4)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::read, fds[0], buf + PAGE, 4)).as("unmapped").isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::read, fds[0], buf + 200, 4)).isEqualTo(4);
    assertThat(readBack(buf + 200, 4)).isEqualTo("abcd");
  }

  @Test
  void aPipeReadIntoAStraddlingBufferReturnsWhatFitsAndKeepsTheRest() throws Exception {
    int[] fds = pipe();
    assertThat(f.mem(p).write(buf + 100, "0123456789".getBytes(StandardCharsets.US_ASCII)))
        .isZero();
    assertThat(f.call(p, fs::write, fds[1], buf + 100, 10)).isEqualTo(10);
    assertThat(f.call(p, fs::read, fds[0], buf + PAGE - 3, 10)).isEqualTo(3);
    assertThat(readBack(buf + PAGE - 3, 3)).isEqualTo("012");
    assertThat(f.call(p, fs::read, fds[0], buf, 10)).isEqualTo(7);
    assertThat(readBack(buf, 7)).isEqualTo("3456789");
  }

  @Test
  void aFileOffsetMovesByWhatWasCopied() throws Exception {
    Files.writeString(dir.resolve("data"), "x".repeat(1000));
    f.putString(p, buf, "data");
    long fd = f.call(p, fs::openat, FileSyscallsTest.AT_FDCWD_AS_GLIBC_PASSES_IT, buf, 0);
    assertThat(fd).isNotNegative();
    assertThat(f.call(p, fs::read, fd, 0, 100)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::lseek, fd, 0, SEEK_CUR)).as("nothing consumed").isZero();
    assertThat(f.call(p, fs::read, fd, buf + PAGE - 5, 100)).isEqualTo(5);
    assertThat(f.call(p, fs::lseek, fd, 0, SEEK_CUR)).as("moved by what was copied").isEqualTo(5);
    assertThat(f.call(p, fs::pread64, fd, buf + PAGE - 7, 100, 0)).isEqualTo(7);
    assertThat(f.call(p, fs::pread64, fd, 0, 100, 0)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void aSizeBeyondTheUserHalfIsEfault() throws Exception {
    int[] fds = pipe();
    assertThat(f.call(p, fs::write, fds[1], buf, -1)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::read, fds[0], buf, -1)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::write, 1, buf, -1)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::write, fds[1], 0x7fff_ffff_0000L, 0x10000)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, fs::write, 99, buf, -1)).as("EBADF first").isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::read, fds[0], 0, 0)).as("nothing to copy").isZero();
  }

  @Test
  void getrandomIntoAStraddlingBufferReturnsThePartialCount() {
    InfoSyscalls info = f.h.info();
    assertThat(f.call(p, info::getrandom, buf + PAGE - 10, 100, 0)).isEqualTo(10);
    assertThat(f.call(p, info::getrandom, buf + PAGE, 100, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, info::getrandom, buf, -1, 0))
        .as("(size_t) -1 is clamped to MAX_RW_COUNT, then filled up to the hole")
        .isEqualTo(PAGE);
    assertThat(f.call(p, info::getrandom, 0x7fff_ffff_0000L, -1, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, info::getrandom, buf, 64, 0)).isEqualTo(64);
  }
}
