package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** Linux MADV_* values decoded into UVM operations, applied to a real address space. */
class MadviseAdviceTest {
  private static final long PAGE = 4096;

  @Test
  void decodesEveryAcceptedValueAndRejectsOthers() throws UvmException {
    assertThat(MadviseAdvice.decode(Mman.MADV_NORMAL)).isEqualTo(MadviseAdvice.NORMAL);
    assertThat(MadviseAdvice.decode(Mman.MADV_RANDOM)).isEqualTo(MadviseAdvice.RANDOM);
    assertThat(MadviseAdvice.decode(Mman.MADV_SEQUENTIAL)).isEqualTo(MadviseAdvice.SEQUENTIAL);
    assertThat(MadviseAdvice.decode(Mman.MADV_WILLNEED)).isEqualTo(MadviseAdvice.WILLNEED);
    assertThat(MadviseAdvice.decode(Mman.MADV_DONTNEED)).isEqualTo(MadviseAdvice.DONTNEED);
    assertThat(MadviseAdvice.decode(Mman.MADV_FREE)).isEqualTo(MadviseAdvice.FREE);
    assertThat(MadviseAdvice.decode(Mman.MADV_DONTFORK)).isEqualTo(MadviseAdvice.DONTFORK);
    assertThat(MadviseAdvice.decode(Mman.MADV_DOFORK)).isEqualTo(MadviseAdvice.DOFORK);
    assertThat(MadviseAdvice.decode(Mman.MADV_WIPEONFORK)).isEqualTo(MadviseAdvice.WIPEONFORK);
    assertThat(MadviseAdvice.decode(Mman.MADV_KEEPONFORK)).isEqualTo(MadviseAdvice.KEEPONFORK);
    for (int bad : new int[] {-1, 5, 7, 9, 12, 77}) {
      assertThatThrownBy(() -> MadviseAdvice.decode(bad))
          .isInstanceOfSatisfying(
              UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
    for (int ok : new int[] {16, 17, 20, 21, 22, 23, 24}) {
      assertThat(MadviseAdvice.decode(ok).linux).isEqualTo(ok);
    }
    for (int bad : new int[] {9, 12, 13, 14, 15, 25, 26}) {
      assertThatThrownBy(() -> MadviseAdvice.decode(bad))
          .isInstanceOfSatisfying(
              UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }
    for (int perm : new int[] {100, 101}) {
      assertThatThrownBy(() -> MadviseAdvice.decode(perm))
          .isInstanceOfSatisfying(
              UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
    }
  }

  @Test
  void eachAdviceReachesItsUvmOperation() throws UvmException {
    Uvm uvm = new Uvm(UvmConfig.ofRam(4 << 20));
    Vmspace vm = Vmspace.create(uvm, new FaultHandler(uvm));
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW));
    long s = vm.mmap(MapRequest.anon(PAGE, Prot.RW).withShared(true));

    assertThat(MadviseAdvice.SEQUENTIAL.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.SEQUENTIAL);
    assertThat(MadviseAdvice.RANDOM.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.RANDOM);
    assertThat(MadviseAdvice.NORMAL.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.NORMAL);
    assertThat(MadviseAdvice.WILLNEED.apply(vm, a, 4 * PAGE)).isEqualTo(Errno.ENOMEM);

    assertThat(MadviseAdvice.DONTFORK.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.NONE);
    assertThat(MadviseAdvice.DOFORK.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.COPY);
    assertThat(MadviseAdvice.WIPEONFORK.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.ZERO);
    assertThat(MadviseAdvice.KEEPONFORK.apply(vm, a, PAGE)).isZero();
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.COPY);
    assertThat(MadviseAdvice.WIPEONFORK.apply(vm, s, PAGE)).isEqualTo(Errno.EINVAL);

    byte[] one = {7};
    assertThat(vm.copyout(a, one, 0, 1)).isZero();
    assertThat(MadviseAdvice.FREE.apply(vm, s, PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(MadviseAdvice.DONTNEED.apply(vm, a, PAGE)).isZero();
    assertThat(vm.copyin(a, one, 0, 1)).isZero();
    assertThat(one[0]).as("DONTNEED: zero on next touch").isZero();
    assertThat(vm.copyout(a, new byte[] {9}, 0, 1)).isZero();
    assertThat(MadviseAdvice.FREE.apply(vm, a, PAGE)).isZero();
    assertThat(vm.copyin(a, one, 0, 1)).isZero();
    assertThat(one[0]).isZero();
    vm.free();
  }

  @Test
  void pageoutWritesPrivatePagesThroughThePageDaemonAndRefusesALockedRange() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("uvm4j-pageout");
    Uvm uvm = new Uvm(UvmConfig.ofRam(4 << 20));
    org.uvm4j.uvm.swap.SwapPager pager = org.uvm4j.uvm.swap.SwapPager.attach(uvm);
    org.uvm4j.uvm.pdaemon.PageDaemon pd = org.uvm4j.uvm.pdaemon.PageDaemon.attach(uvm, pager);
    pager
        .swap()
        .swapOn(org.uvm4j.uvm.swap.FileSwapDevice.open(dir.resolve("swap"), 64 * PAGE, false), 0);
    try {
      Vmspace vm = Vmspace.create(uvm, new FaultHandler(uvm));
      long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW));
      assertThat(vm.populate(a, 2 * PAGE, true)).isZero();
      long out = uvm.exp().pgswapout;
      assertThat(MadviseAdvice.PAGEOUT.apply(vm, a, 2 * PAGE, pd)).isZero();
      assertThat(uvm.exp().pgswapout - out).as("both pages written to swap").isEqualTo(2);
      assertThat(MadviseAdvice.PAGEOUT.apply(vm, a + 8 * PAGE, PAGE, pd)).isEqualTo(Errno.ENOMEM);
      assertThat(vm.mlock(a, PAGE)).isZero();
      assertThat(MadviseAdvice.PAGEOUT.apply(vm, a, PAGE, pd)).isEqualTo(Errno.EINVAL);
      vm.free();
    } finally {
      pager.swap().close();
    }
  }
}
