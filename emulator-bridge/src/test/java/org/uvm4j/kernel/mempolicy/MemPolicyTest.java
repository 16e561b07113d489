package org.uvm4j.kernel.mempolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/** {@link MemPolicy#create} (mpol_new + mpol_set_nodemask) and equality as mpol_equal. */
class MemPolicyTest {
  static void einval(int mode, int flags, Nodemask nodes) {
    assertThatThrownBy(() -> MemPolicy.create(mode, flags, nodes))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void defaultIsNullAndTakesNoNodes() throws UvmException {
    assertThat(MemPolicy.create(Mpol.MPOL_DEFAULT, 0, Nodemask.EMPTY)).isNull();
    assertThat(MemPolicy.create(Mpol.MPOL_DEFAULT, Mpol.MPOL_F_STATIC_NODES, Nodemask.EMPTY))
        .isNull();
    einval(Mpol.MPOL_DEFAULT, 0, Nodemask.of(0));
  }

  @Test
  void effectiveNodesAreTheOnlineOnes() throws UvmException {
    MemPolicy p = MemPolicy.create(Mpol.MPOL_BIND, 0, Nodemask.of(0).with(1).with(7));
    assertThat(p.nodes()).isEqualTo(Nodemask.of(0));
    assertThat(p.reportedNodes()).isEqualTo(Nodemask.of(0));
    assertThat(p.userNodemask()).isNull();
    assertThat(p.homeNode()).isEqualTo(Mpol.NUMA_NO_NODE);
    einval(Mpol.MPOL_BIND, 0, Nodemask.of(1));
    einval(Mpol.MPOL_INTERLEAVE, 0, Nodemask.EMPTY);
    einval(Mpol.MPOL_PREFERRED_MANY, 0, Nodemask.EMPTY);
    einval(Mpol.MPOL_WEIGHTED_INTERLEAVE, 0, Nodemask.of(3));
    einval(Mpol.MPOL_PREFERRED, 0, Nodemask.of(1));
  }

  @Test
  void preferredAndLocal() throws UvmException {
    MemPolicy empty = MemPolicy.create(Mpol.MPOL_PREFERRED, 0, Nodemask.EMPTY);
    assertThat(empty.mode()).isEqualTo(Mpol.MPOL_LOCAL);
    assertThat(empty).isEqualTo(MemPolicy.create(Mpol.MPOL_LOCAL, 0, Nodemask.EMPTY));
    einval(Mpol.MPOL_PREFERRED, Mpol.MPOL_F_STATIC_NODES, Nodemask.EMPTY);
    einval(Mpol.MPOL_PREFERRED, Mpol.MPOL_F_RELATIVE_NODES, Nodemask.EMPTY);
    einval(Mpol.MPOL_LOCAL, 0, Nodemask.of(0));
    einval(Mpol.MPOL_LOCAL, Mpol.MPOL_F_STATIC_NODES, Nodemask.EMPTY);
    MemPolicy pref = MemPolicy.create(Mpol.MPOL_PREFERRED, 0, Nodemask.of(0).with(1));
    assertThat(pref.nodes()).isEqualTo(Nodemask.of(0));
    assertThat(pref.reportedNodes()).isEqualTo(Nodemask.of(0));
  }

  @Test
  void staticAndRelativeKeepTheCallersMask() throws UvmException {
    MemPolicy st =
        MemPolicy.create(Mpol.MPOL_BIND, Mpol.MPOL_F_STATIC_NODES, Nodemask.of(0).with(5));
    assertThat(st.nodes()).isEqualTo(Nodemask.of(0));
    assertThat(st.reportedNodes()).isEqualTo(Nodemask.of(0).with(5));
    assertThat(st.modeFlags()).isEqualTo(Mpol.MPOL_F_STATIC_NODES);
    einval(Mpol.MPOL_BIND, Mpol.MPOL_F_STATIC_NODES, Nodemask.of(5));
    MemPolicy rel =
        MemPolicy.create(Mpol.MPOL_INTERLEAVE, Mpol.MPOL_F_RELATIVE_NODES, Nodemask.of(5));
    assertThat(rel.nodes()).isEqualTo(Nodemask.of(0));
    assertThat(rel.reportedNodes()).isEqualTo(Nodemask.of(5));
  }

  @Test
  void equalityIsMpolEqual() throws UvmException {
    MemPolicy a = MemPolicy.create(Mpol.MPOL_BIND, 0, Nodemask.of(0));
    MemPolicy b = MemPolicy.create(Mpol.MPOL_BIND, 0, Nodemask.of(0).with(1));
    assertThat(a).as("the same effective nodes").isEqualTo(b);
    assertThat(a).isNotEqualTo(a.withHomeNode(0));
    assertThat(a.withHomeNode(0)).isEqualTo(b.withHomeNode(0));
    MemPolicy s1 = MemPolicy.create(Mpol.MPOL_BIND, Mpol.MPOL_F_STATIC_NODES, Nodemask.of(0));
    MemPolicy s2 =
        MemPolicy.create(Mpol.MPOL_BIND, Mpol.MPOL_F_STATIC_NODES, Nodemask.of(0).with(2));
    assertThat(s1).as("different user masks").isNotEqualTo(s2);
    assertThat(s1).as("different flags").isNotEqualTo(a);
    assertThat(MemPolicy.create(Mpol.MPOL_INTERLEAVE, 0, Nodemask.of(0))).isNotEqualTo(a);
    assertThat(a.takesHomeNode()).isTrue();
    assertThat(MemPolicy.create(Mpol.MPOL_PREFERRED_MANY, 0, Nodemask.of(0)).takesHomeNode())
        .isTrue();
    assertThat(MemPolicy.create(Mpol.MPOL_INTERLEAVE, 0, Nodemask.of(0)).takesHomeNode()).isFalse();
  }
}
