package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * A small machine for VM tests: a {@link Uvm}, the live address spaces, byte-level guest access
 * through copyin/copyout, and the system audit.
 */
public final class VmFixture {
  public static final long PAGE = 4096;

  public final Uvm uvm;
  public final List<Vmspace> live = new ArrayList<>();
  public final long initialFree;

  public VmFixture(long ramBytes) {
    uvm = new Uvm(UvmConfig.ofRam(ramBytes));
    initialFree = uvm.physMem().freeCount();
  }

  public VmFixture() {
    this(8L << 20);
  }

  public UvmExp exp() {
    return uvm.exp();
  }

  public Vmspace newSpace() {
    Vmspace vm = Vmspace.create(uvm, new FaultHandler(uvm));
    live.add(vm);
    return vm;
  }

  public Vmspace fork(Vmspace parent) {
    Vmspace child;
    try {
      child = parent.fork();
    } catch (UvmException e) {
      throw new AssertionError("fork: " + e.getMessage(), e);
    }
    live.add(child);
    return child;
  }

  public void exit(Vmspace vm) {
    live.remove(vm);
    vm.free();
  }

  /** mmap of anonymous memory; asserts success. */
  public long mapAnon(Vmspace vm, long pages, int prot, boolean shared) {
    long a;
    try {
      a = vm.mmap(MapRequest.anon(pages * PAGE, prot).withShared(shared));
    } catch (UvmException e) {
      throw new AssertionError("mmap: " + e.getMessage(), e);
    }
    assertThat(a).as("mmap").isPositive();
    return a;
  }

  /**
   * A grow-down stack of {@code pages} pages ending at {@link Vmspace#USER_MAX}, which may grow
   * down to {@code floorPages} pages below that ({@link Vmspace#setStack}); asserts success and
   * returns its start.
   */
  public static long mapStack(Vmspace vm, long pages, long floorPages) {
    long top = Vmspace.USER_MAX;
    long start = top - pages * PAGE;
    try {
      assertThat(vm.mmap(MapRequest.anon(pages * PAGE, Prot.RW).fixed(start)))
          .as("mmap")
          .isEqualTo(start);
    } catch (UvmException e) {
      throw new AssertionError("mmap: " + e.getMessage(), e);
    }
    assertThat(vm.setStack(start, top, top - floorPages * PAGE)).as("setStack").isZero();
    return start;
  }

  /** Writes one byte as the guest would; returns 0 or EFAULT. */
  public static int poke(Vmspace vm, long va, int value) {
    return vm.copyout(va, new byte[] {(byte) value}, 0, 1);
  }

  /** Reads one byte as the guest would; -1 on EFAULT. */
  public static int peek(Vmspace vm, long va) {
    byte[] b = new byte[1];
    return vm.copyin(va, b, 0, 1) == 0 ? b[0] & 0xff : -1;
  }

  /** A guest access through the fault handler only (pmap lookup, then fault). */
  public static FaultResult touch(Vmspace vm, long va, int access) {
    if (vm.pmap().tlbLookup(va, access) != 0) {
      return FaultResult.OK;
    }
    return vm.faultHandler().fault(vm, va, access);
  }

  public static void assertPoke(Vmspace vm, long va, int value) {
    assertThat(poke(vm, va, value)).as("write 0x%x", va).isZero();
  }

  public static void assertPeek(Vmspace vm, long va, int value) {
    assertThat(peek(vm, va)).as("read 0x%x", va).isEqualTo(value);
  }

  public static void assertNoWrite(Vmspace vm, long va) {
    assertThat(poke(vm, va, 1)).as("write 0x%x must fault", va).isEqualTo(Errno.EFAULT);
  }

  public static void assertNoRead(Vmspace vm, long va) {
    assertThat(peek(vm, va)).as("read 0x%x must fault", va).isEqualTo(-1);
  }

  public void audit() {
    SystemAudit.check(uvm, live);
  }

  /** Frees every live space and checks that the machine is back to its initial free count. */
  public void exitAllAndCheck() {
    for (Vmspace vm : new ArrayList<>(live)) {
      exit(vm);
    }
    SystemAudit.checkAllFreed(uvm, initialFree);
  }

  public static int prot(String rwx) {
    int p = 0;
    if (rwx.contains("r")) {
      p |= Prot.READ;
    }
    if (rwx.contains("w")) {
      p |= Prot.WRITE;
    }
    if (rwx.contains("x")) {
      p |= Prot.EXEC;
    }
    return p;
  }
}
