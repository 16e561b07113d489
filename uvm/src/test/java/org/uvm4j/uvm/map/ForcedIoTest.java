package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertNoRead;
import static org.uvm4j.uvm.map.VmFixture.assertNoWrite;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.mapStack;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.page.VmPage;

/**
 * Forced accesses ({@link Vmspace#forcedIo}, {@link FaultService#faultForced}: Linux's FOLL_FORCE,
 * as /proc/PID/mem and ptrace make them): the maximum protection decides, a write into a read-only
 * private mapping breaks copy-on-write through the fault handler into a page of the mapping's own
 * that stays read-only to the process, and a transfer stops at the first page it cannot reach.
 */
class ForcedIoTest {
  private final VmFixture f = new VmFixture(4L << 20);
  private final Vmspace vm = f.newSpace();

  private static int write(Vmspace vm, long va, int value) {
    return vm.forcedIo(va, new byte[] {(byte) value}, 0, 1, true);
  }

  private static int read(Vmspace vm, long va) {
    byte[] b = new byte[1];
    return vm.forcedIo(va, b, 0, 1, false) == 1 ? b[0] & 0xff : -1;
  }

  @Test
  void aProtNonePageIsReadAndWrittenWhileTheProcessStillCannot() {
    long a = f.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 0x5a);
    assertThat(vm.mprotect(a, PAGE, Prot.NONE)).isZero();
    assertThat(read(vm, a)).isEqualTo(0x5a);
    assertThat(write(vm, a + 1, 0x6b)).isEqualTo(1);
    assertNoRead(vm, a);
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.NONE);
    assertThat(vm.mprotect(a, PAGE, Prot.READ)).isZero();
    assertPeek(vm, a + 1, 0x6b);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aWriteIntoAReadOnlyPrivatePageLeavesItReadOnly() {
    long a = f.mapAnon(vm, 1, Prot.READ, false);
    assertPeek(vm, a, 0); // mkdirty: the page is populated by a read first
    long zeroFills = f.exp().flt_przero;
    assertThat(write(vm, a, 42)).isEqualTo(1);
    assertPeek(vm, a, 42);
    assertNoWrite(vm, a); // a store still faults
    assertPeek(vm, a, 42); // and changed nothing
    assertThat(vm.map().lookup(a).protection).isEqualTo(Prot.READ);
    assertThat(vm.pmap().protection(a) & Prot.WRITE).isZero();
    assertThat(f.exp().flt_przero).isEqualTo(zeroFills); // the anon of the read, written in place
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aWriteIntoAReadOnlyFileMappingCopiesThePageNotTheFile() throws UvmException {
    byte[] bytes = new byte[(int) (2 * PAGE)];
    bytes[5] = 0x33;
    FileObject obj = new FileObject(f.uvm, bytes);
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.READ | Prot.EXEC).withObject(obj, 0));
    assertPeek(vm, a + 5, 0x33);
    VmPage filePage = vm.pmap().extract(a);
    long copies = f.exp().flt_prcopy;
    assertThat(write(vm, a + 5, 0x44)).isEqualTo(1);
    assertThat(f.exp().flt_prcopy).isEqualTo(copies + 1); // case 2B: promoted to an anon
    assertPeek(vm, a + 5, 0x44);
    assertThat(vm.pmap().extract(a)).isNotSameAs(filePage);
    assertThat(vm.pmap().extract(a).anon).isNotNull();
    byte[] b = new byte[1];
    f.uvm.physMem().read(obj.getPage(0), 5, b, 0, 1);
    assertThat(b[0]).isEqualTo((byte) 0x33); // the file's page is untouched
    assertThat(vm.pmap().protection(a) & Prot.WRITE).isZero();
    assertNoWrite(vm, a + 5);
    f.exit(vm);
    obj.detach();
    f.exitAllAndCheck();
  }

  @Test
  void aWriteAfterForkStaysInTheWritersCopy() {
    long a = f.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 'a');
    assertThat(vm.mprotect(a, PAGE, Prot.READ)).isZero();
    Vmspace child = f.fork(vm);
    assertThat(write(vm, a, 'b')).isEqualTo(1);
    assertPeek(vm, a, 'b');
    assertPeek(child, a, 'a');
    assertThat(write(child, a, 'c')).isEqualTo(1);
    assertPeek(vm, a, 'b');
    assertPeek(child, a, 'c');
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aReadOnlySharedMappingIsReadButNeverWritten() {
    long a = f.mapAnon(vm, 1, Prot.READ, true);
    assertThat(write(vm, a, 1)).isZero();
    assertThat(read(vm, a)).isZero();
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aWritableSharedMappingIsWrittenForEverySharer() {
    long a = f.mapAnon(vm, 1, Prot.RW, true);
    Vmspace child = f.fork(vm);
    assertThat(write(vm, a, 9)).isEqualTo(1);
    assertPeek(child, a, 9);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aTransferStopsAtTheFirstUnmappedPage() {
    long a = f.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.munmap(a + PAGE, PAGE)).isZero();
    byte[] buf = new byte[32];
    assertThat(vm.forcedIo(a + PAGE - 8, buf, 0, 32, false)).isEqualTo(8);
    assertThat(vm.forcedIo(a + PAGE - 4, buf, 0, 32, true)).isEqualTo(4);
    assertThat(vm.forcedIo(a + PAGE, buf, 0, 1, false)).isZero();
    assertThat(vm.forcedIo(0, buf, 0, 1, false)).isZero();
    assertThat(vm.forcedIo(Vmspace.USER_MAX, buf, 0, 1, false)).isZero();
    assertThat(vm.forcedIo(-4096, buf, 0, 1, false)).isZero();
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void theStackDoesNotGrowForAForcedAccess() throws UvmException {
    long start = mapStack(vm, 2, 64);
    assertThat(vm.forcedIo(start - PAGE, new byte[1], 0, 1, false)).isZero();
    assertThat(vm.map().lookup(start).start).isEqualTo(start);
    f.exitAllAndCheck();
  }

  @Test
  void aWiredReadOnlyMappingRefusesAForcedWrite() {
    long a = f.mapAnon(vm, 1, Prot.READ, false);
    assertThat(vm.mlock(a, PAGE)).isZero();
    assertThat(write(vm, a, 1)).isZero(); // a known limit: Linux would copy and keep it locked
    assertThat(read(vm, a)).isZero();
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aWrittenPageIsDirty() {
    long a = f.mapAnon(vm, 1, Prot.READ, false);
    assertPeek(vm, a, 0);
    VmPage pg = vm.pmap().extract(a);
    pg.flags |= VmPage.PG_CLEAN; // as after a page-out left its swap copy current
    assertThat(write(vm, a, 7)).isEqualTo(1);
    assertThat(pg.flags & VmPage.PG_CLEAN).isZero();
    f.exitAllAndCheck();
  }
}
