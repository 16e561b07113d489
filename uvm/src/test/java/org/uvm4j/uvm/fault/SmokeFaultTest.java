package org.uvm4j.uvm.fault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;

class SmokeFaultTest {
  @Test
  void zeroFillThenForkCow() {
    VmFixture m = new VmFixture();
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 4, Prot.RW, false);
    VmFixture.assertPeek(p, a, 0);
    VmFixture.assertPoke(p, a, 7);
    m.audit();
    Vmspace c = m.fork(p);
    m.audit();
    VmFixture.assertPeek(c, a, 7);
    VmFixture.assertPoke(c, a, 9);
    VmFixture.assertPeek(p, a, 7);
    VmFixture.assertPeek(c, a, 9);
    m.audit();
    assertThat(m.exp().flt_acow).isEqualTo(1);
    m.exitAllAndCheck();
  }
}
