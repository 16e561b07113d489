package org.uvm4j.uvm.obj;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;

/**
 * Mappings of an anonymous object: shared mappings write the object's own frames (which read/write
 * of the object see), private ones copy on write, and fork keeps sharing.
 */
class AobjMappingTest {
  private static final int PAGE = (int) VmFixture.PAGE;
  private final VmFixture m = new VmFixture(4L << 20);

  private static long map(Vmspace vm, Aobj a, long pages, boolean shared) throws UvmException {
    return vm.mmap(MapRequest.anon(pages * PAGE, Prot.RW).withObject(a, 0).withShared(shared));
  }

  @Test
  void sharedMappingSharesFramesWithReadAndWrite() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "memfd:x", 2 * PAGE);
    Vmspace vm = m.newSpace();
    long va = map(vm, a, 2, true);
    VmFixture.assertPoke(vm, va + 5, 0x41);
    byte[] b = new byte[1];
    assertThat(a.read(5, b, 0, 1)).isZero();
    assertThat(b[0]).isEqualTo((byte) 0x41);
    assertThat(a.write(PAGE + 7, new byte[] {0x42}, 0, 1)).isZero();
    VmFixture.assertPeek(vm, va + PAGE + 7, 0x42);
    VmPage pg = a.residentPage(0);
    assertThat(vm.pmap().extract(va)).as("the object's own frame is mapped").isSameAs(pg);
    assertThat(vm.pmap().protection(va) & Prot.WRITE).isNotZero();
    m.audit();
    m.exit(vm);
    assertThat(a.refs()).isEqualTo(1);
    a.detach();
    m.audit();
  }

  @Test
  void twoSpacesAndAForkShareOneObject() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "shm", PAGE);
    Vmspace p = m.newSpace();
    Vmspace q = m.newSpace();
    long pa = map(p, a, 1, true);
    long qa = map(q, a, 1, true);
    Vmspace child = m.fork(p);
    VmFixture.assertPoke(child, pa + 1, 7);
    VmFixture.assertPeek(p, pa + 1, 7);
    VmFixture.assertPeek(q, qa + 1, 7);
    VmFixture.assertPoke(q, qa + 2, 9);
    VmFixture.assertPeek(child, pa + 2, 9);
    m.audit();
    a.detach(); // the mappings keep it alive
    VmFixture.assertPeek(child, pa + 1, 7);
    m.exitAllAndCheck();
  }

  @Test
  void privateMappingCopiesOnWriteAndLeavesTheObjectAlone() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "t", PAGE);
    assertThat(a.write(0, new byte[] {1, 2, 3}, 0, 3)).isZero();
    Vmspace vm = m.newSpace();
    long va = map(vm, a, 1, false);
    VmFixture.assertPeek(vm, va + 1, 2);
    VmFixture.assertPoke(vm, va + 1, 99);
    VmFixture.assertPeek(vm, va + 1, 99);
    byte[] b = new byte[3];
    assertThat(a.read(0, b, 0, 3)).isZero();
    assertThat(b).containsExactly(1, 2, 3);
    assertThat(vm.pmap().extract(va)).isNotSameAs(a.residentPage(0));
    // a later write to the object is not seen through the private copy
    assertThat(a.write(1, new byte[] {55}, 0, 1)).isZero();
    VmFixture.assertPeek(vm, va + 1, 99);
    m.audit();
    m.exit(vm);
    a.detach();
    m.exitAllAndCheck();
  }

  @Test
  void aSharedMappingPastTheEndGetsSigbus() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "t", PAGE);
    Vmspace vm = m.newSpace();
    long va = map(vm, a, 3, true);
    assertThat(VmFixture.touch(vm, va, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(VmFixture.touch(vm, va + PAGE, Prot.READ)).isEqualTo(FaultResult.BUS);
    assertThat(a.truncate(3 * PAGE)).isZero();
    assertThat(VmFixture.touch(vm, va + 2 * PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    m.exit(vm);
    a.detach();
    m.audit();
  }

  @Test
  void bytesStoredPastTheEndReadAsZeroOnceTheFileGrows() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "t", 10);
    Vmspace vm = m.newSpace();
    long va = map(vm, a, 1, true);
    VmFixture.assertPoke(vm, va + 20, 0x55); // past the end, inside the last page
    assertThat(a.write(100, new byte[] {1}, 0, 1)).isZero();
    byte[] b = new byte[1];
    assertThat(a.read(20, b, 0, 1)).isZero();
    assertThat(b[0]).as("the gap reads as zeroes").isZero();
    VmFixture.assertPoke(vm, va + 200, 0x66);
    assertThat(a.truncate(PAGE)).isZero();
    assertThat(a.read(200, b, 0, 1)).isZero();
    assertThat(b[0]).isZero();
    m.exit(vm);
    a.detach();
    m.audit();
  }

  @Test
  void fileObjectsStayReadOnlyWhenShared() throws UvmException {
    FileObject f = new FileObject(m.uvm, new byte[PAGE]);
    Vmspace vm = m.newSpace();
    try {
      vm.mmap(MapRequest.anon(PAGE, Prot.RW).withObject(f, 0).withShared(true));
      throw new AssertionError("a writable shared mapping of a file image must be refused");
    } catch (UvmException e) {
      assertThat(e.errno()).isEqualTo(org.uvm4j.uvm.Errno.EACCES);
    }
    m.exit(vm);
    f.detach();
  }
}
