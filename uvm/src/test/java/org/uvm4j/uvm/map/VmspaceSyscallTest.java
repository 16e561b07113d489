package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertNoRead;
import static org.uvm4j.uvm.map.VmFixture.assertNoWrite;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.obj.FileObject;

/** The Linux memory system calls on a Vmspace: argument checking, errno and effects. */
class VmspaceSyscallTest {
  private static final int PRIV_ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

  private VmFixture m;
  private Vmspace vm;

  @BeforeEach
  void setUp() {
    m = new VmFixture();
    vm = m.newSpace();
  }

  @AfterEach
  void tearDown() {
    m.audit();
    m.exitAllAndCheck();
  }

  // ------------------------------------------------------------------ mmap

  @Test
  void mmapRejectsBadArguments() {
    assertThat(vm.mmap(0, 0, Prot.RW, PRIV_ANON, null, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(vm.mmap(0, PAGE, Prot.RW, Mman.MAP_ANONYMOUS, null, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(vm.mmap(0, PAGE, 0x10, PRIV_ANON, null, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(vm.mmap(0, PAGE, Prot.RW, PRIV_ANON, null, 123)).isEqualTo(-Errno.EINVAL);
    assertThat(vm.mmap(0x10001, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED, null, 0))
        .isEqualTo(-Errno.EINVAL);
    assertThat(vm.mmap(0, PAGE, Prot.RW, Mman.MAP_PRIVATE, null, 0)).isEqualTo(-Errno.EBADF);
    assertThat(vm.mmap(0, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED, null, 0))
        .isEqualTo(-Errno.EPERM);
    assertThat(vm.mmap(Vmspace.USER_MAX, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED, null, 0))
        .isEqualTo(-Errno.ENOMEM);
    assertThat(vm.mmap(0, Long.MAX_VALUE, Prot.RW, PRIV_ANON, null, 0)).isEqualTo(-Errno.ENOMEM);
    assertThat(
            vm.mmap(
                0,
                PAGE,
                Prot.RW,
                Mman.MAP_SHARED_VALIDATE | Mman.MAP_ANONYMOUS | 0x4000000,
                null,
                0))
        .isEqualTo(-Errno.EINVAL);
    assertThat(vm.map().entryCount()).isZero();
  }

  @Test
  void mmapPlacesTopDownBelowMmapBaseAndHonoursFreeHints() {
    long a = vm.mmap(0, 2 * PAGE, Prot.RW, PRIV_ANON, null, 0);
    assertThat(a).isEqualTo(Vmspace.MMAP_BASE - 2 * PAGE);
    long b = vm.mmap(0, PAGE, Prot.READ, PRIV_ANON, null, 0);
    assertThat(b).isEqualTo(a - PAGE);
    long hint = 0x4000_0000L;
    assertThat(vm.mmap(hint + 5, PAGE, Prot.RW, PRIV_ANON, null, 0)).isEqualTo(hint);
    // a used hint is ignored
    long c = vm.mmap(hint, PAGE, Prot.RW, PRIV_ANON, null, 0);
    assertThat(c).isNotEqualTo(hint).isPositive();
  }

  @Test
  void adjacentPrivateAnonymousMappingsMergeIntoOneEntry() {
    long a = vm.mmap(0, PAGE, Prot.RW, PRIV_ANON, null, 0);
    long b = vm.mmap(0, PAGE, Prot.RW, PRIV_ANON, null, 0);
    assertThat(b).isEqualTo(a - PAGE);
    assertThat(vm.map().entryCount()).isEqualTo(1);
    long c = vm.mmap(0, PAGE, Prot.READ, PRIV_ANON, null, 0);
    assertThat(c).isEqualTo(b - PAGE);
    assertThat(vm.map().entryCount()).as("different protection: no merge").isEqualTo(2);
  }

  @Test
  void mapFixedReplacesAndNoReplaceRefuses() {
    long a = m.mapAnon(vm, 3, Prot.RW, false);
    assertPoke(vm, a + PAGE, 9);
    assertThat(vm.mmap(a + PAGE, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED_NOREPLACE, null, 0))
        .isEqualTo(-Errno.EEXIST);
    assertPeek(vm, a + PAGE, 9);
    assertThat(vm.mmap(a + PAGE, PAGE, Prot.READ, PRIV_ANON | Mman.MAP_FIXED, null, 0))
        .isEqualTo(a + PAGE);
    assertPeek(vm, a + PAGE, 0);
    assertNoWrite(vm, a + PAGE);
  }

  @Test
  void sharedObjectMappingIsReadOnlyAtMost() {
    FileObject f = new FileObject(m.uvm, new byte[] {1, 2, 3});
    assertThat(vm.mmap(0, PAGE, Prot.RW, Mman.MAP_SHARED, f, 0)).isEqualTo(-Errno.EACCES);
    long a = vm.mmap(0, PAGE, Prot.READ, Mman.MAP_SHARED, f, 0);
    assertPeek(vm, a + 2, 3);
    assertThat(vm.mprotect(a, PAGE, Prot.RW)).isEqualTo(Errno.EACCES);
    assertThat(f.refs()).isEqualTo(2);
    f.detach();
  }

  @Test
  void populateAndLockedPrefault() {
    long a = vm.mmap(0, 3 * PAGE, Prot.RW, PRIV_ANON | Mman.MAP_POPULATE, null, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(vm.pmap().extract(a + i * PAGE)).isNotNull();
    }
    long b = vm.mmap(0, 2 * PAGE, Prot.RW, PRIV_ANON | Mman.MAP_LOCKED, null, 0);
    assertThat(vm.map().lookup(b).isWired()).isTrue();
    assertThat(vm.pmap().extract(b).wireCount).isEqualTo(1);
  }

  // ------------------------------------------------------------------ munmap

  @Test
  void munmapChecksArgumentsAndAcceptsHoles() {
    assertThat(vm.munmap(0x10001, PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(0x10000, 0)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(Vmspace.USER_MAX - PAGE, 2 * PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(0x10000, 5 * PAGE)).isZero();
    long a = m.mapAnon(vm, 5, Prot.RW, false);
    for (int i = 0; i < 5; i++) {
      assertPoke(vm, a + i * PAGE, i + 1);
    }
    long free = m.uvm.physMem().freeCount();
    assertThat(vm.munmap(a + PAGE, 2 * PAGE + 1)).isZero(); // length rounds up to 3 pages
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free + 3);
    assertPeek(vm, a, 1);
    assertNoRead(vm, a + PAGE);
    assertNoRead(vm, a + 3 * PAGE);
    assertPeek(vm, a + 4 * PAGE, 5);
    assertThat(vm.map().entryCount()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ mprotect

  @Test
  void mprotectChecksArgumentsAndChangesNothingOnFailure() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.mprotect(a + 1, PAGE, Prot.READ)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mprotect(a, PAGE, 0x8)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mprotect(a, 3 * PAGE, Prot.READ)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mprotect(a, 0, Prot.READ)).isZero();
    assertPoke(vm, a + PAGE, 1);
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertNoWrite(vm, a + PAGE);
    assertPeek(vm, a + PAGE, 1);
    assertPoke(vm, a, 2);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.NONE)).isZero();
    assertNoRead(vm, a);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.RW)).isZero();
    assertPeek(vm, a, 2);
    assertPoke(vm, a + PAGE, 3);
  }

  // ------------------------------------------------------------------ minherit / madvise

  @Test
  void minheritAndMadviseCheckArguments() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.minherit(a + 1, PAGE, Inheritance.NONE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.minherit(a, 3 * PAGE, Inheritance.NONE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.minherit(a, PAGE, null)).isEqualTo(Errno.EINVAL);
    assertThat(vm.madvise(a, PAGE, 77)).isEqualTo(Errno.EINVAL);
    assertThat(vm.madvise(a + 1, PAGE, Mman.MADV_NORMAL)).isEqualTo(Errno.EINVAL);
    assertThat(vm.madvise(a, 3 * PAGE, Mman.MADV_RANDOM)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.madvise(a, PAGE, Mman.MADV_WILLNEED)).isZero();
    long s = m.mapAnon(vm, 1, Prot.RW, true);
    assertThat(vm.madvise(s, PAGE, Mman.MADV_WIPEONFORK)).isEqualTo(Errno.EINVAL);
    assertThat(vm.madvise(s, PAGE, Mman.MADV_FREE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.madvise(a, PAGE, Mman.MADV_SEQUENTIAL)).isZero();
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.SEQUENTIAL);
    assertThat(vm.map().lookup(a + PAGE).advice).isEqualTo(Advice.NORMAL);
  }

  @Test
  void dontNeedZeroesPrivateAnonymousAndKeepsSharedData() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    long s = m.mapAnon(vm, 1, Prot.RW, true);
    assertPoke(vm, a, 1);
    assertPoke(vm, a + PAGE, 2);
    assertPoke(vm, s, 3);
    long free = m.uvm.physMem().freeCount();
    assertThat(vm.madvise(a + PAGE, PAGE, Mman.MADV_DONTNEED)).isZero();
    assertThat(vm.madvise(s, PAGE, Mman.MADV_DONTNEED)).isZero();
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free + 1);
    assertThat(vm.pmap().extract(s)).isNull();
    assertPeek(vm, a, 1);
    assertPeek(vm, a + PAGE, 0);
    assertPeek(vm, s, 3);
  }

  @Test
  void dontNeedAfterForkLeavesTheChildsCopy() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    Vmspace child = m.fork(vm);
    assertThat(vm.madvise(a, PAGE, Mman.MADV_DONTNEED)).isZero();
    m.audit();
    assertPeek(vm, a, 0);
    assertPeek(child, a, 5);
  }

  @Test
  void dontNeedOfPrivateFileMappingRevertsToFileContents() {
    FileObject f = new FileObject(m.uvm, new byte[] {42});
    long a = vm.mmap(0, PAGE, Prot.RW, Mman.MAP_PRIVATE, f, 0);
    assertPoke(vm, a, 7);
    assertThat(vm.madvise(a, PAGE, Mman.MADV_DONTNEED)).isZero();
    assertPeek(vm, a, 42);
    f.detach();
  }

  @Test
  void dontNeedOfLockedRangeIsInvalid() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.mlock(a, PAGE)).isZero();
    assertThat(vm.madvise(a, PAGE, Mman.MADV_DONTNEED)).isEqualTo(Errno.EINVAL);
  }

  // ------------------------------------------------------------------ mlock

  @Test
  void mlockWiresEveryPageAndMunlockUndoes() {
    long a = m.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.mlock(a + 10, 2 * PAGE)).isZero(); // rounds out to pages 0..2
    m.audit();
    for (int i = 0; i < 3; i++) {
      assertThat(vm.pmap().extract(a + i * PAGE).wireCount).as("page %d", i).isEqualTo(1);
      assertThat(vm.pmap().isWired(a + i * PAGE)).isTrue();
    }
    assertThat(vm.pmap().extract(a + 3 * PAGE)).isNull();
    assertThat(vm.mlock(a, PAGE)).as("mlock is not counted").isZero();
    assertThat(vm.pmap().extract(a).wireCount).isEqualTo(1);
    assertThat(vm.munlock(a, 4 * PAGE)).isZero();
    m.audit();
    assertThat(vm.pmap().extract(a).wireCount).isZero();
    assertThat(m.exp().wired).isZero();
  }

  @Test
  void mlockOfUnmappedRangeFails() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.mlock(a, 2 * PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.munlock(a, 2 * PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mlock(a, -1)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mlock(a, 0)).isZero();
    assertThat(vm.map().lookup(a).isWired()).isFalse();
  }

  @Test
  void mlockOfReadOnlyPrivateFileMappingWiresObjectPagesThenWritePromotes() {
    FileObject f = new FileObject(m.uvm, new byte[] {11});
    long a = vm.mmap(0, PAGE, Prot.READ, Mman.MAP_PRIVATE, f, 0);
    assertThat(vm.mlock(a, PAGE)).isZero();
    assertThat(vm.pmap().extract(a).object).isSameAs(f);
    assertThat(vm.pmap().extract(a).wireCount).isEqualTo(1);
    m.audit();
    assertThat(vm.mprotect(a, PAGE, Prot.RW)).isZero();
    m.audit();
    assertThat(vm.pmap().extract(a).anon).as("rewire promoted the page").isNotNull();
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.RW);
    long faults = m.exp().faults;
    assertPoke(vm, a, 12);
    assertThat(m.exp().faults).isEqualTo(faults);
    assertThat(vm.munmap(a, PAGE)).isZero();
    f.detach();
  }

  @Test
  void munmapOfWiredRangeUnwires() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.mlock(a, 2 * PAGE)).isZero();
    assertThat(vm.munmap(a + PAGE, PAGE)).isZero();
    m.audit();
    assertThat(m.exp().wired).isEqualTo(1);
  }

  // ------------------------------------------------------------------ brk

  @Test
  void brkGrowsInPlaceAndShrinks() {
    // exec puts the break at the page-aligned end of bss here (an unaligned break shares its
    // first page with bss, which exec maps)
    long base = 0x60_0000L;
    vm.setBrkBase(base);
    assertThat(vm.brk(0)).isEqualTo(base);
    assertThat(vm.brk(base - 1)).isEqualTo(base);
    long top = base + 3 * PAGE - 100;
    assertThat(vm.brk(top)).isEqualTo(top);
    assertPoke(vm, base, 1);
    assertPoke(vm, top - 1, 2);
    assertNoRead(vm, Vmspace.roundPage(top));
    assertThat(vm.brk(top + 5 * PAGE)).isEqualTo(top + 5 * PAGE);
    assertThat(vm.map().entryCount()).as("brk growth merged into one entry").isEqualTo(1);
    assertThat(vm.map().lookup(base).aref.amap.nslot()).isEqualTo(8);
    assertPoke(vm, top + 4 * PAGE, 3);
    assertPeek(vm, base, 1);
    assertThat(vm.brk(base + PAGE)).isEqualTo(base + PAGE);
    assertNoRead(vm, Vmspace.roundPage(base + PAGE));
    assertPeek(vm, base, 1);
    assertThat(vm.brk(base + 2 * PAGE)).isEqualTo(base + 2 * PAGE);
    assertPeek(vm, Vmspace.roundPage(base + PAGE), 0);
  }

  @Test
  void brkRefusesToGrowIntoAMapping() {
    long base = 0x60_0000L;
    vm.setBrkBase(base);
    assertThat(vm.mmap(base + 2 * PAGE, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED, null, 0))
        .isEqualTo(base + 2 * PAGE);
    assertThat(vm.brk(base + 4 * PAGE)).isEqualTo(base);
    assertThat(vm.brk(base + 2 * PAGE)).isEqualTo(base + 2 * PAGE);
  }

  // ------------------------------------------------------------------ copyin/copyout

  @Test
  void copyinCopyoutAcrossPagesAndFaults() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    byte[] data = new byte[6000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    assertThat(vm.copyout(a + 100, data, 0, data.length)).isZero();
    byte[] back = new byte[data.length];
    assertThat(vm.copyin(a + 100, back, 0, back.length)).isZero();
    assertThat(back).isEqualTo(data);
    assertThat(vm.copyin(a + PAGE, back, 0, (int) PAGE + 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(0, back, 0, 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(a, back, 10, back.length)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(-4096, back, 0, 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.mprotect(a, PAGE, Prot.READ)).isZero();
    assertThat(vm.copyout(a, data, 0, 1)).isEqualTo(Errno.EFAULT);
  }

  @Test
  void copyoutToCowPageCopiesIt() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 1);
    Vmspace child = m.fork(vm);
    assertThat(child.copyout(a, new byte[] {9}, 0, 1)).isZero();
    assertPeek(vm, a, 1);
    assertPeek(child, a, 9);
    assertThat(m.exp().flt_acow).isEqualTo(1);
  }

  @Test
  void copyinstrStopsAtNulOrReportsTooLong() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    byte[] s = "hello\0".getBytes(StandardCharsets.US_ASCII);
    assertThat(vm.copyout(a + PAGE - 3, s, 0, s.length)).isZero();
    byte[] dst = new byte[16];
    assertThat(vm.copyinstr(a + PAGE - 3, dst, 16)).isEqualTo(5);
    assertThat(new String(dst, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
    assertThat(vm.copyinstr(a + PAGE - 3, dst, 5)).isEqualTo(-Errno.ENAMETOOLONG);
    assertThat(vm.copyout(a + 2 * PAGE - 2, new byte[] {'a', 'b'}, 0, 2)).isZero();
    assertThat(vm.copyinstr(a + 2 * PAGE - 2, dst, 16)).isEqualTo(-Errno.EFAULT);
    assertThat(vm.copyinstr(a, dst, 17)).isEqualTo(-Errno.EFAULT);
  }
}
