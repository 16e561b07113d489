package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.Errno;

/** The memory syscalls run directly against a process's {@code Vmspace} (no guest, no CPU). */
class MemorySyscallsTest {
  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  MemorySyscalls m;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    m = f.h.memory();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void anonymousMmapIsZeroFilledWritableAndMunmapRemovesIt() throws Exception {
    long va = f.call(p, m::mmap, 0, 3 * 4096, 3, 0x22, -1, 0);
    assertThat(va).isPositive();
    assertThat(va & 0xfff).isZero();
    assertThat(f.readLong(p, va + 8192)).isZero();
    assertThat(f.mem(p).writeLong(va + 8192, 0x1234_5678_9abcL)).isZero();
    assertThat(f.readLong(p, va + 8192)).isEqualTo(0x1234_5678_9abcL);
    assertThat(f.call(p, m::munmap, va, 3 * 4096)).isZero();
    assertThat(f.mem(p).writeLong(va, 1)).isEqualTo(Errno.EFAULT);
  }

  @Test
  void intArgumentsAreTheLow32BitsOfTheirRegister() throws Exception {
    // prot and flags are C ints: garbage in the upper half of the register is ignored, as on Linux
    long va = f.call(p, m::mmap, 0, 4096, 0xdead_0000_0000_0003L, 0xbeef_0000_0000_0022L, -1, 0);
    assertThat(va).isPositive();
    assertThat(f.mem(p).writeInt(va, 7)).isZero();
  }

  @Test
  void mprotectReadOnlyRefusesWritesAndBadArgumentsAreErrors() throws Exception {
    long va = f.userMemory(p, 2 * 4096);
    assertThat(f.call(p, m::mprotect, va, 4096, 1)).isZero();
    assertThat(f.mem(p).writeInt(va, 1)).isEqualTo(Errno.EFAULT);
    assertThat(f.mem(p).writeInt(va + 4096, 1)).isZero();
    assertThat(f.call(p, m::mprotect, va + 1, 4096, 1)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, m::munmap, va + 1, 4096)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void fileMmapNeedsAnOpenMappableDescriptor() {
    assertThat(f.call(p, m::mmap, 0, 4096, 1, 0x02, 77, 0)).isEqualTo(-Errno.EBADF);
    // descriptor 1 is the console: not mappable
    assertThat(f.call(p, m::mmap, 0, 4096, 1, 0x02, 1, 0)).isEqualTo(-MemorySyscalls.ENODEV);
  }

  @Test
  void brkGrowsTheBreakAndReportsItUnchangedOnQuery() throws Exception {
    p.vm().setBrkBase(0x4000_0000L); // as exec does after loading the program
    long cur = f.call(p, m::brk, 0);
    assertThat(cur).isEqualTo(0x4000_0000L);
    long grown = f.call(p, m::brk, cur + 3 * 4096);
    assertThat(grown).isEqualTo(cur + 3 * 4096);
    assertThat(f.call(p, m::brk, 0)).isEqualTo(grown);
    assertThat(f.mem(p).writeLong(cur, 5)).isZero();
  }

  @Test
  void mlockallRulesAndMremapShrinks() throws Exception {
    assertThat(f.call(p, m::mlockall, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, m::mlockall, 4)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, m::mlockall, 2)).isZero();
    assertThat(p.vm().map().isWireFuture()).isTrue();
    assertThat(f.call(p, m::munlockall)).isZero();
    assertThat(p.vm().map().isWireFuture()).isFalse();
    long va = f.userMemory(p, 4 * 4096);
    assertThat(f.call(p, m::mremap, va, 4 * 4096, 4096, 0, 0)).isEqualTo(va);
    assertThat(f.mem(p).writeInt(va, 1)).isZero();
    assertThat(f.mem(p).writeInt(va + 4096, 1)).isEqualTo(Errno.EFAULT);
    assertThat(f.call(p, m::mremap, va, 4096, 4096, 8, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void mremapDecodesDontUnmapAndFixed() throws Exception {
    long va = f.userMemory(p, 2 * 4096);
    assertThat(f.mem(p).writeInt(va, 77)).isZero();
    // MREMAP_DONTUNMAP (4) and MREMAP_FIXED (2) need MREMAP_MAYMOVE (1)
    assertThat(f.call(p, m::mremap, va, 2 * 4096, 2 * 4096, 4, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, m::mremap, va, 2 * 4096, 2 * 4096, 2, 0x5000_0000L))
        .isEqualTo(-Errno.EINVAL);
    // DONTUNMAP needs equal sizes
    assertThat(f.call(p, m::mremap, va, 2 * 4096, 3 * 4096, 5, 0)).isEqualTo(-Errno.EINVAL);
    long moved = f.call(p, m::mremap, va, 2 * 4096, 2 * 4096, 5, 0);
    assertThat(moved).isPositive().isNotEqualTo(va);
    assertThat(f.mem(p).readInt(moved)).isEqualTo(77);
    assertThat(f.mem(p).readInt(va)).isZero(); // the old range stays mapped, afresh
    long fixed = f.call(p, m::mremap, moved, 2 * 4096, 4096, 3, 0x5000_0000L);
    assertThat(fixed).isEqualTo(0x5000_0000L);
    assertThat(f.mem(p).readInt(fixed)).isEqualTo(77);
    assertThat(f.mem(p).writeInt(moved, 1)).isEqualTo(Errno.EFAULT);
  }
}
