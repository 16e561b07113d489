package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;

/**
 * Every public {@link Vmspace} operation that answers with an errno gives a positive {@link Errno}
 * value for bad arguments (the uvm error convention). The table must name every such method: a new
 * one fails {@link #everyErrnoReturningMethodIsExercised} until it is added here.
 */
class VmspaceErrnoTest {
  private static final long MISALIGNED = 0x4000_0001L;

  /** Method name → a call with bad arguments, and the errno it must give. */
  private static Map<String, BadCall> badCalls() {
    Map<String, BadCall> m = new LinkedHashMap<>();
    m.put("munmap", new BadCall(vm -> vm.munmap(MISALIGNED, PAGE), Errno.EINVAL));
    m.put("mprotect", new BadCall(vm -> vm.mprotect(MISALIGNED, PAGE, Prot.READ), Errno.EINVAL));
    m.put(
        "minherit",
        new BadCall(vm -> vm.minherit(MISALIGNED, PAGE, Inheritance.NONE), Errno.EINVAL));
    m.put(
        "minheritDefault",
        new BadCall(vm -> vm.minheritDefault(0x4000_0000L, PAGE, Inheritance.NONE), Errno.ENOMEM));
    m.put(
        "minheritPrivateAnon",
        new BadCall(
            vm -> vm.minheritPrivateAnon(MISALIGNED, PAGE, Inheritance.ZERO), Errno.EINVAL));
    m.put("advise", new BadCall(vm -> vm.advise(0x4000_0000L, PAGE, 99), Errno.EINVAL));
    m.put("willNeed", new BadCall(vm -> vm.willNeed(0x4000_0000L, PAGE), Errno.ENOMEM));
    m.put("discard", new BadCall(vm -> vm.discard(MISALIGNED, PAGE, false), Errno.EINVAL));
    m.put("mlock", new BadCall(vm -> vm.mlock(0x4000_0000L, -1), Errno.EINVAL));
    m.put("munlock", new BadCall(vm -> vm.munlock(0x4000_0000L, PAGE), Errno.ENOMEM));
    m.put("copyin", new BadCall(vm -> vm.copyin(0, new byte[1], 0, 1), Errno.EFAULT));
    m.put("copyout", new BadCall(vm -> vm.copyout(0, new byte[1], 0, 1), Errno.EFAULT));
    m.put("mlockOnFault", new BadCall(vm -> vm.mlockOnFault(0x4000_0000L, PAGE), Errno.ENOMEM));
    m.put("mseal", new BadCall(vm -> vm.mseal(MISALIGNED, PAGE), Errno.EINVAL));
    m.put("populate", new BadCall(vm -> vm.populate(0x4000_0000L, PAGE, false), Errno.ENOMEM));
    m.put(
        "pageoutCandidates",
        new BadCall(
            vm -> vm.pageoutCandidates(MISALIGNED, PAGE, new java.util.ArrayList<>()),
            Errno.EINVAL));
    m.put("msync", new BadCall(vm -> vm.msync(MISALIGNED, PAGE), Errno.EINVAL));
    m.put("setStack", new BadCall(vm -> vm.setStack(0x4000_0000L, 0x4000_1000L, 0), Errno.EINVAL));
    m.put(
        "bindPolicy",
        new BadCall(
            vm -> vm.bindPolicy(0x4000_0000L, 0x4000_1000L, null, true, false), Errno.EFAULT));
    m.put("updatePolicies", new BadCall(VmspaceErrnoTest::updateThatFails, Errno.ENOMEM));
    return m;
  }

  /** updatePolicies over a mapped page whose update fails: its errno, the page unmapped again. */
  private static int updateThatFails(Vmspace vm) {
    try {
      vm.mmap(MapRequest.anon(PAGE, Prot.RW).fixed(0x5000_0000L));
    } catch (UvmException e) {
      throw new AssertionError(e);
    }
    int r =
        vm.updatePolicies(
            0x5000_0000L,
            0x5000_1000L,
            old -> {
              throw new UvmException(Errno.ENOMEM);
            });
    assertThat(vm.munmap(0x5000_0000L, PAGE)).isZero();
    return r;
  }

  private record BadCall(ToIntFunction<Vmspace> call, int errno) {}

  @Test
  void badArgumentsGiveAPositiveErrno() {
    VmFixture f = new VmFixture();
    Vmspace vm = f.newSpace();
    for (Map.Entry<String, BadCall> e : badCalls().entrySet()) {
      int r = e.getValue().call().applyAsInt(vm);
      assertThat(r).as(e.getKey()).isPositive().isEqualTo(e.getValue().errno());
    }
    f.exitAllAndCheck();
  }

  @Test
  void mlockallWithoutMemoryGivesAPositiveErrno() throws UvmException {
    VmFixture f = new VmFixture(64 * PAGE);
    Vmspace vm = f.newSpace();
    vm.mmap(MapRequest.anon(512 * PAGE, Prot.RW));
    assertThat(vm.mlockall(true, false)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.map().isWireFuture()).isFalse();
    vm.munlockall();
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void everyErrnoReturningMethodIsExercised() {
    TreeSet<String> errnoMethods = new TreeSet<>();
    for (Method m : Vmspace.class.getDeclaredMethods()) {
      boolean throwsUvm = List.of(m.getExceptionTypes()).contains(UvmException.class);
      if (Modifier.isPublic(m.getModifiers())
          && !Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == int.class
          && !throwsUvm) {
        errnoMethods.add(m.getName());
      }
    }
    TreeSet<String> covered = new TreeSet<>(badCalls().keySet());
    covered.add("mlockall");
    covered.add("checkSealedDiscard"); // 0 or EPERM: MemoryAbiTest
    covered.add("forcedIo"); // a byte count, not an errno: ForcedIoTest
    covered.add("residency"); // a page's state, not an errno: EntryPolicyTest
    assertThat(errnoMethods).isEqualTo(covered);
  }
}
