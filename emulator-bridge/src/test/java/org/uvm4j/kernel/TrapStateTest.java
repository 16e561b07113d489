package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;

/** The x86 page-fault error code as Linux reports it, and the vsyscall page's entry points. */
class TrapStateTest {
  @Test
  void userFaultsOnUserPages() {
    assertThat(TrapState.pageFaultCode(0x1000, Prot.READ, false)).isEqualTo(0x4);
    assertThat(TrapState.pageFaultCode(0x1000, Prot.WRITE, false)).isEqualTo(0x6);
    assertThat(TrapState.pageFaultCode(0x1000, Prot.EXEC, false)).isEqualTo(0x14);
    assertThat(TrapState.pageFaultCode(0x1000, Prot.WRITE, true)).isEqualTo(0x7);
    assertThat(TrapState.pageFaultCode(0x1000, Prot.EXEC, true)).isEqualTo(0x15);
  }

  @Test
  void kernelAddressesFromTaskSizeMaxOnAreProtectionFaults() {
    assertThat(TrapState.pageFaultCode(0x7ffffffff000L, Prot.READ, false)).isEqualTo(0x5);
    assertThat(TrapState.pageFaultCode(0x7fffffffefffL, Prot.READ, false)).isEqualTo(0x4);
    assertThat(TrapState.pageFaultCode(0xffffffffff600000L, Prot.EXEC, false)).isEqualTo(0x15);
    assertThat(TrapState.pageFaultCode(0xffffffff81000000L, Prot.WRITE, false)).isEqualTo(0x7);
  }

  @Test
  void canonicalAddresses() {
    assertThat(TrapState.canonical(0x7fffffffffffL)).isTrue();
    assertThat(TrapState.canonical(0xffff800000000000L)).isTrue();
    assertThat(TrapState.canonical(0x800000000000L)).isFalse();
    assertThat(TrapState.canonical(0x8000000000000000L)).isFalse();
  }

  @Test
  void forkCopiesTheLastTrap() {
    TrapState a = new TrapState();
    a.pageFault(0x1234, 6);
    a.trap(TrapState.X86_TRAP_UD, 0);
    TrapState b = new TrapState();
    b.copyFrom(a);
    assertThat(b.trapNr()).isEqualTo(6);
    assertThat(b.errorCode()).isZero();
    assertThat(b.cr2()).as("a trap keeps CR2").isEqualTo(0x1234);
  }

  @Test
  void vsyscallEntryPoints() {
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600000L)).isZero();
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600400L)).isEqualTo(1);
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600800L)).isEqualTo(2);
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600c00L)).isEqualTo(-1);
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600001L)).isEqualTo(-1);
    assertThat(VsyscallPage.vsyscallNr(0xffffffffff600100L)).isEqualTo(-1);
    assertThat(VsyscallPage.contains(0xffffffffff600fffL)).isTrue();
    assertThat(VsyscallPage.contains(0xffffffffff601000L)).isFalse();
  }
}
