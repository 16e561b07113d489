package org.uvm4j.uvm.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;

/** The system audit finds each kind of inconsistency it promises to. */
class SystemAuditTest {
  private static Anon anonAt(Vmspace vm, long va) {
    VmMapEntry e = vm.map().lookup(va);
    e.aref.amap.lock();
    try {
      return e.aref.amap.lookup(e.aref, va - e.start);
    } finally {
      e.aref.amap.unlock();
    }
  }

  @Test
  void consistentSystemPassesAndAllFreedAtTheEnd() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 4, Prot.RW, false);
    assertPoke(p, a, 1);
    m.fork(p);
    assertThat(SystemAudit.problems(m.uvm, m.live)).isEmpty();
    m.exitAllAndCheck();
  }

  @Test
  void writableMappingOfSharedAnonIsReported() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 1, Prot.RW, false);
    assertPoke(p, a, 1);
    Vmspace c = m.fork(p);
    VmPage pg = p.pmap().extract(a);
    c.pmap().enter(a, pg, Prot.RW, false); // the COW bug class: child may write the shared page
    assertThat(SystemAudit.problems(m.uvm, m.live))
        .anyMatch(s -> s.contains("writable but must be read-only"))
        .anyMatch(s -> s.contains("allows") || s.contains("writable"));
    c.pmap().remove(a, a + PAGE);
    m.exitAllAndCheck();
  }

  @Test
  void mappingOutsideEntriesAndWrongPageAreReported() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 2, Prot.RW, false);
    assertPoke(p, a, 1);
    assertPoke(p, a + PAGE, 2);
    VmPage first = p.pmap().extract(a);
    p.pmap().enter(0x10000, first, Prot.READ, false);
    p.pmap().enter(a + PAGE, first, Prot.READ, false);
    List<String> problems = SystemAudit.problems(m.uvm, m.live);
    assertThat(problems).anyMatch(s -> s.contains("outside every entry"));
    assertThat(problems).anyMatch(s -> s.contains("but the amap holds"));
    assertThatThrownBy(() -> SystemAudit.check(m.uvm, m.live))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("problem(s)");
    p.pmap().remove(0x10000, 0x11000);
    p.pmap().remove(a + PAGE, a + 2 * PAGE);
    m.exitAllAndCheck();
  }

  @Test
  void wrongAnonReferenceCountIsReported() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 1, Prot.RW, false);
    assertPoke(p, a, 1);
    Anon anon = anonAt(p, a);
    anon.ref = 2;
    assertThat(SystemAudit.problems(m.uvm, m.live)).anyMatch(s -> s.startsWith("amaps:"));
    anon.ref = 1;
    m.exitAllAndCheck();
  }

  @Test
  void leakedFrameAndMissingSpaceAreReported() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 1, Prot.RW, false);
    assertPoke(p, a, 1);
    // forget the address space: its amap and frame are now unaccounted for
    List<String> problems = SystemAudit.problems(m.uvm, List.of());
    assertThat(problems).anyMatch(s -> s.contains("no map uses it"));
    assertThat(problems).anyMatch(s -> s.contains("(leak)"));
    assertThatThrownBy(() -> SystemAudit.checkAllFreed(m.uvm, m.initialFree))
        .hasMessageContaining("free frames");
    m.exitAllAndCheck();
  }

  @Test
  void wireCountMismatchIsReported() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 1, Prot.RW, false);
    assertThat(p.mlock(a, PAGE)).isZero();
    VmPage pg = p.pmap().extract(a);
    m.uvm.pageWire(pg);
    assertThat(SystemAudit.problems(m.uvm, m.live)).anyMatch(s -> s.contains("wireCount 2"));
    m.uvm.pageUnwire(pg);
    m.exitAllAndCheck();
  }
}
