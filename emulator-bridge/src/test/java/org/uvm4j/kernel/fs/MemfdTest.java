package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** A memfd's file operations over its anonymous object, and its seals. */
class MemfdTest {
  private final Uvm uvm = new Uvm(UvmConfig.ofRam(4L << 20));

  private static int errno(ThrowingCall call) {
    try {
      call.run();
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws UvmException;
  }

  @Test
  void readWriteSeekAndTruncateGoThroughTheObject() throws UvmException {
    Memfd m = new Memfd(uvm, "t", 0);
    assertThat(m.write("hello".getBytes(), 0, 5, false)).isEqualTo(5);
    assertThat(m.size()).isEqualTo(5);
    assertThat(m.object().size()).isEqualTo(5);
    assertThat(m.lseek(0, Memfd.SEEK_SET)).isZero();
    byte[] b = new byte[10];
    assertThat(m.read(b, 0, 10)).isEqualTo(5);
    assertThat(new String(b, 0, 5)).isEqualTo("hello");
    assertThat(m.read(b, 0, 10)).as("at the end").isZero();
    m.truncate(8192);
    assertThat(m.stat().size()).isEqualTo(8192);
    assertThat(m.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFREG);
    assertThat(m.pwrite(new byte[] {7}, 0, 1, 5000)).isEqualTo(1);
    assertThat(m.pread(b, 0, 1, 5000)).isEqualTo(1);
    assertThat(b[0]).isEqualTo((byte) 7);
    assertThat(errno(() -> m.truncate(-1))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> m.lseek(-1, Memfd.SEEK_SET))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> m.lseek(0, 9))).isEqualTo(Errno.EINVAL);
    assertThat(m.toString()).isEqualTo("/memfd:t (deleted)");
    assertThat(uvm.exp().aobjs).isEqualTo(1);
    m.release();
    assertThat(uvm.exp().aobjs).as("the last close frees the object").isZero();
    assertThat(uvm.exp().aobjpages).isZero();
  }

  @Test
  void sealsFollowLinux() throws UvmException {
    Memfd m = new Memfd(uvm, "s", 0);
    m.truncate(4096);
    Seals s = m.seals();
    assertThat(errno(() -> s.add(0x1000, true, false))).isEqualTo(Errno.EINVAL);
    assertThat(errno(() -> s.add(Seals.F_SEAL_GROW, false, false)))
        .as("read-only descriptor")
        .isEqualTo(Errno.EPERM);
    assertThat(errno(() -> s.add(Seals.F_SEAL_WRITE, true, true)))
        .as("writably mapped")
        .isEqualTo(Errno.EBUSY);
    s.add(Seals.F_SEAL_SHRINK, true, false);
    assertThat(errno(() -> m.truncate(100))).isEqualTo(Errno.EPERM);
    m.truncate(8192);
    s.add(Seals.F_SEAL_GROW, true, false);
    assertThat(errno(() -> m.truncate(9000))).isEqualTo(Errno.EPERM);
    assertThat(errno(() -> m.pwrite(new byte[2], 0, 2, 8191)))
        .as("write past the end")
        .isEqualTo(Errno.EPERM);
    assertThat(m.pwrite(new byte[2], 0, 2, 10)).as("inside is fine").isEqualTo(2);
    s.add(Seals.F_SEAL_FUTURE_WRITE, true, true);
    assertThat(s.sharedWriteAllowed()).isFalse();
    assertThat(errno(() -> m.pwrite(new byte[2], 0, 2, 10))).isEqualTo(Errno.EPERM);
    s.add(Seals.F_SEAL_SEAL, true, false);
    assertThat(errno(() -> s.add(Seals.F_SEAL_WRITE, true, false))).isEqualTo(Errno.EPERM);
    assertThat(s.get())
        .isEqualTo(
            Seals.F_SEAL_SHRINK
                | Seals.F_SEAL_GROW
                | Seals.F_SEAL_FUTURE_WRITE
                | Seals.F_SEAL_SEAL);
    m.release();
  }

  @Test
  void sealingNotAllowedStartsSealed() {
    Memfd m = new Memfd(uvm, "n", Seals.F_SEAL_SEAL);
    assertThat(m.seals().get()).isEqualTo(Seals.F_SEAL_SEAL);
    assertThatThrownBy(() -> m.seals().add(Seals.F_SEAL_GROW, true, false))
        .isInstanceOf(UvmException.class);
    m.release();
  }

  @Test
  void outOfMemoryWithoutSwapIsEnospc() {
    Uvm small = new Uvm(UvmConfig.ofRam(16 * 4096));
    Memfd m = new Memfd(small, "full", 0);
    assertThat(errno(() -> m.pwrite(new byte[64 * 4096], 0, 64 * 4096, 0))).isEqualTo(Errno.ENOSPC);
    m.release();
  }
}
