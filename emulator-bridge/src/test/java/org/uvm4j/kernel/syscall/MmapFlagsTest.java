package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Placement;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** Linux mmap flags decoded into UVM map requests, and the errnos Linux gives for bad ones. */
class MmapFlagsTest {
  private static final int PAGE = 4096;
  private static final int PRIV_ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

  private static MapRequest decode(long addr, long len, int prot, int flags) throws UvmException {
    return MmapFlags.decode(addr, len, prot, flags, null, 0);
  }

  private static void assertErrno(int errno, ThrowingDecode d) {
    assertThatThrownBy(d::run)
        .isInstanceOfSatisfying(UvmException.class, e -> assertThat(e.errno()).isEqualTo(errno));
  }

  private interface ThrowingDecode {
    void run() throws UvmException;
  }

  @Test
  void privateAnonymousIsAPrivateHintedRequestWithoutObject() throws UvmException {
    MapRequest r = decode(0x1234_5000L, 3 * PAGE, Prot.RW, PRIV_ANON);
    assertThat(r.addr()).isEqualTo(0x1234_5000L);
    assertThat(r.size()).isEqualTo(3 * PAGE);
    assertThat(r.prot()).isEqualTo(Prot.RW);
    assertThat(r.maxProt()).isEqualTo(Prot.ALL);
    assertThat(r.placement()).isEqualTo(Placement.HINT);
    assertThat(r.shared()).isFalse();
    assertThat(r.object()).isNull();
    assertThat(r.offset()).isZero();
    assertThat(r.wired()).isFalse();
    assertThat(r.populate()).isFalse();
    assertThat(r.advice()).isEqualTo(Advice.NORMAL);
    assertThat(r.inheritance()).as("the kind's default").isNull();
  }

  @Test
  void sharedAndSharedValidateAreShared() throws UvmException {
    assertThat(decode(0, PAGE, Prot.RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS).shared()).isTrue();
    assertThat(decode(0, PAGE, Prot.RW, Mman.MAP_SHARED_VALIDATE | Mman.MAP_ANONYMOUS).shared())
        .isTrue();
  }

  @Test
  void fixedAndFixedNoReplaceArePlacements() throws UvmException {
    assertThat(decode(0x10000, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED).placement())
        .isEqualTo(Placement.FIXED);
    assertThat(decode(0x10000, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED_NOREPLACE).placement())
        .isEqualTo(Placement.FIXED_NOREPLACE);
    assertThat(
            decode(0x10000, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE)
                .placement())
        .as("NOREPLACE wins, as in Linux")
        .isEqualTo(Placement.FIXED_NOREPLACE);
  }

  @Test
  void lockedWiresAndPopulatePopulatesUnlessNonblock() throws UvmException {
    MapRequest locked = decode(0, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_LOCKED);
    assertThat(locked.wired()).isTrue();
    assertThat(locked.populate()).isFalse();
    MapRequest pop = decode(0, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_POPULATE);
    assertThat(pop.populate()).isTrue();
    assertThat(pop.wired()).isFalse();
    assertThat(
            decode(0, PAGE, Prot.RW, PRIV_ANON | Mman.MAP_POPULATE | Mman.MAP_NONBLOCK).populate())
        .isFalse();
  }

  @Test
  void flagsWithoutAUvmMeaningChangeNothing() throws UvmException {
    MapRequest plain = decode(0, PAGE, Prot.RW, PRIV_ANON);
    for (int f :
        new int[] {
          Mman.MAP_NORESERVE,
          Mman.MAP_GROWSDOWN,
          Mman.MAP_STACK,
          Mman.MAP_DENYWRITE,
          Mman.MAP_EXECUTABLE
        }) {
      assertThat(decode(0, PAGE, Prot.RW, PRIV_ANON | f)).as("flag 0x%x", f).isEqualTo(plain);
    }
    assertThat(decode(0, PAGE, Prot.RW, PRIV_ANON | 0x4000000))
        .as("plain MAP_PRIVATE ignores unknown bits")
        .isEqualTo(plain);
  }

  @Test
  void fileMappingCarriesObjectAndOffsetAnonymousDropsThem() throws UvmException {
    Uvm uvm = new Uvm(UvmConfig.ofRam(1 << 20));
    FileObject f = new FileObject(uvm, new byte[] {1});
    MapRequest r = MmapFlags.decode(0, PAGE, Prot.READ, Mman.MAP_PRIVATE, f, 2 * PAGE);
    assertThat(r.object()).isSameAs(f);
    assertThat(r.offset()).isEqualTo(2 * PAGE);
    MapRequest a = MmapFlags.decode(0, PAGE, Prot.READ, PRIV_ANON, f, 2 * PAGE);
    assertThat(a.object()).isNull();
    assertThat(a.offset()).isZero();
    assertErrno(Errno.EBADF, () -> MmapFlags.decode(0, PAGE, Prot.READ, Mman.MAP_PRIVATE, null, 0));
    f.detach();
  }

  @Test
  void neitherSharedNorPrivateIsEinval() {
    assertErrno(Errno.EINVAL, () -> decode(0, PAGE, Prot.RW, Mman.MAP_ANONYMOUS));
    assertErrno(Errno.EINVAL, () -> decode(0, PAGE, Prot.RW, 0x04 | Mman.MAP_ANONYMOUS));
    assertErrno(Errno.EINVAL, () -> decode(0, PAGE, Prot.RW, 0x0f | Mman.MAP_ANONYMOUS));
  }

  @Test
  void sharedValidateWithUnknownFlagsIsEopnotsupp() throws UvmException {
    int validate = Mman.MAP_SHARED_VALIDATE | Mman.MAP_ANONYMOUS;
    assertErrno(Errno.EOPNOTSUPP, () -> decode(0, PAGE, Prot.RW, validate | 0x4000000));
    assertErrno(Errno.EOPNOTSUPP, () -> decode(0, PAGE, Prot.RW, validate | Mman.MAP_SYNC));
    assertErrno(Errno.EOPNOTSUPP, () -> decode(0, PAGE, Prot.RW, validate | Mman.MAP_HUGETLB));
    assertErrno(
        Errno.ENOMEM,
        () -> decode(0, PAGE, Prot.RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_HUGETLB));
    assertThat(decode(0, PAGE, Prot.RW, validate | Mman.MAP_LOCKED | Mman.MAP_POPULATE).wired())
        .isTrue();
    assertThat(decode(0, PAGE, Prot.RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | 0x4000000).shared())
        .as("plain MAP_SHARED ignores unknown bits")
        .isTrue();
  }

  @Test
  void zeroLengthBadProtAndMisalignedOffsetAreEinval() {
    assertErrno(Errno.EINVAL, () -> decode(0, 0, Prot.RW, PRIV_ANON));
    assertErrno(Errno.EINVAL, () -> decode(0, PAGE, 0x10, PRIV_ANON));
    assertErrno(Errno.EINVAL, () -> MmapFlags.decode(0, PAGE, Prot.RW, PRIV_ANON, null, 123));
  }
}
