package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ResourceLimits;
import org.uvm4j.uvm.Errno;

/**
 * Issue 13: RLIMIT_MEMLOCK for memory that will be locked, as Linux's {@code mlock_future_ok}
 * (mm/mmap.c) for a process without CAP_IPC_LOCK: under {@code mlockall(MCL_FUTURE)} a mapping, brk
 * growth or a locked mapping's mremap growth that would take the locked total past the limit is
 * EAGAIN (brk returns the old break); MAP_LOCKED likewise, EPERM with a zero limit; and mlock2
 * (either flag) is held to the limit as mlock is, counting locked-on-fault ranges as locked.
 */
class MemlockLimitTest {
  private static final long PAGE = 4096;
  private static final int MAP_PRIVATE_ANON = 0x22;
  private static final int MAP_LOCKED = 0x2000;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  MemorySyscalls m;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    m = f.h.memory();
    // 16 pages may be locked
    assertThat(p.rlimits().set(ResourceLimits.RLIMIT_MEMLOCK, 16 * PAGE, 16 * PAGE)).isZero();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private long mmap(long pages, int flags) {
    return f.call(p, m::mmap, 0, pages * PAGE, 3, flags, -1, 0);
  }

  @Test
  void mmapUnderMclFutureIsEagainBeyondTheLimit() {
    assertThat(f.call(p, m::mlockall, MemorySyscalls.MCL_FUTURE)).isZero();
    long a = mmap(10, MAP_PRIVATE_ANON);
    assertThat(a).isPositive();
    assertThat(mmap(7, MAP_PRIVATE_ANON)).isEqualTo(-Errno.EAGAIN); // 10 + 7 > 16
    assertThat(mmap(6, MAP_PRIVATE_ANON)).isPositive(); // 10 + 6 = 16
    assertThat(mmap(1, MAP_PRIVATE_ANON)).isEqualTo(-Errno.EAGAIN);
    assertThat(f.call(p, m::munlockall)).isZero();
    assertThat(mmap(64, MAP_PRIVATE_ANON)).isPositive(); // nothing will be locked
  }

  @Test
  void mmapWithMapLockedIsEagainBeyondTheLimitAndEpermWithAZeroLimit() {
    assertThat(mmap(17, MAP_PRIVATE_ANON | MAP_LOCKED)).isEqualTo(-Errno.EAGAIN);
    assertThat(mmap(16, MAP_PRIVATE_ANON | MAP_LOCKED)).isPositive();
    assertThat(p.rlimits().set(ResourceLimits.RLIMIT_MEMLOCK, 0, 16 * PAGE)).isZero();
    assertThat(mmap(1, MAP_PRIVATE_ANON | MAP_LOCKED)).isEqualTo(-Errno.EPERM);
    assertThat(mmap(1, MAP_PRIVATE_ANON)).isPositive();
  }

  @Test
  void mclOnFaultCountsToo() {
    assertThat(f.call(p, m::mlockall, MemorySyscalls.MCL_FUTURE | MemorySyscalls.MCL_ONFAULT))
        .isZero();
    assertThat(mmap(16, MAP_PRIVATE_ANON)).isPositive();
    assertThat(mmap(1, MAP_PRIVATE_ANON)).isEqualTo(-Errno.EAGAIN);
  }

  @Test
  void brkGrowthUnderMclFutureFailsBeyondTheLimit() {
    p.vm().setBrkBase(0x4000_0000L);
    assertThat(f.call(p, m::mlockall, MemorySyscalls.MCL_FUTURE)).isZero();
    long cur = f.call(p, m::brk, 0);
    assertThat(f.call(p, m::brk, cur + 12 * PAGE)).isEqualTo(cur + 12 * PAGE);
    long now = cur + 12 * PAGE;
    assertThat(f.call(p, m::brk, now + 5 * PAGE)).isEqualTo(now); // the old break: refused
    assertThat(f.call(p, m::brk, now + 4 * PAGE)).isEqualTo(now + 4 * PAGE);
  }

  @Test
  void mremapGrowthOfALockedMappingIsEagainBeyondTheLimit() {
    long a = mmap(8, MAP_PRIVATE_ANON);
    assertThat(f.call(p, m::mlock, a, 8 * PAGE)).isZero();
    assertThat(f.call(p, m::mremap, a, 8 * PAGE, 17 * PAGE, 1, 0)).isEqualTo(-Errno.EAGAIN);
    long b = f.call(p, m::mremap, a, 8 * PAGE, 16 * PAGE, 1, 0);
    assertThat(b).isPositive();
    // an unlocked mapping grows whatever is locked
    long c = mmap(4, MAP_PRIVATE_ANON);
    assertThat(f.call(p, m::mremap, c, 4 * PAGE, 40 * PAGE, 1, 0)).isPositive();
  }

  @Test
  void mlock2IsHeldToTheLimitWithEitherFlagAndOnFaultRangesCount() {
    long a = mmap(32, MAP_PRIVATE_ANON);
    assertThat(f.call(p, m::mlock2, a, 17 * PAGE, 0)).isEqualTo(-Errno.ENOMEM);
    assertThat(f.call(p, m::mlock2, a, 17 * PAGE, Mman.MLOCK_ONFAULT)).isEqualTo(-Errno.ENOMEM);
    assertThat(f.call(p, m::mlock2, a, 10 * PAGE, Mman.MLOCK_ONFAULT)).isZero();
    // ten pages are locked on fault: seven more are too many, for mlock and mlock2 alike
    assertThat(f.call(p, m::mlock, a + 16 * PAGE, 7 * PAGE)).isEqualTo(-Errno.ENOMEM);
    assertThat(f.call(p, m::mlock2, a + 16 * PAGE, 7 * PAGE, 0)).isEqualTo(-Errno.ENOMEM);
    assertThat(f.call(p, m::mlock2, a + 16 * PAGE, 6 * PAGE, 0)).isZero();
    assertThat(p.rlimits().set(ResourceLimits.RLIMIT_MEMLOCK, 0, 16 * PAGE)).isZero();
    assertThat(f.call(p, m::mlock2, a, PAGE, 0)).isEqualTo(-Errno.EPERM);
  }
}
