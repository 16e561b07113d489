package org.uvm4j.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.machine.backend.TestBackends;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** The machine on real address spaces: the UVM fault handler behind the fill, fork and COW code. */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.backend.TestBackends#ALL")
class VmspaceMachineTest {
  static final long CODE = 0x400000;
  static final long DATA = 0x10000000;

  final Uvm uvm = new Uvm(UvmConfig.ofRam(4 << 20));
  final long initiallyFree = uvm.physMem().freeCount();
  final Machine m;

  VmspaceMachineTest(BackendKind kind) {
    TestBackends.assumeAvailable(kind);
    m = CpuBackends.openMachine(uvm, kind);
  }

  @AfterEach
  void close() {
    m.close();
  }

  private static Vmspace spaceWithCode(Uvm uvm, byte[] code) throws UvmException {
    Vmspace vm = Vmspace.create(uvm);
    assertThat(vm.mmap(MapRequest.anon(0x1000, Prot.ALL).fixed(CODE))).isEqualTo(CODE);
    assertThat(vm.copyout(CODE, code, 0, code.length)).isZero();
    return vm;
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void zeroFillFaultsGoThroughTheUvmFaultHandlerAndUnmappedAccessesFault() throws UvmException {
    // mov rbx, DATA ; mov [rbx], eax ; add rbx, 4096 ; dec ecx ; jnz ; syscall
    byte[] code =
        bytes(
            0x48, 0xbb, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x89, 0x03, 0x48, 0x81, 0xc3, 0, 0x10, 0, 0,
            0xff, 0xc9, 0x75, 0xf3, 0x0f, 0x05);
    Vmspace vm = spaceWithCode(uvm, code);
    assertThat(vm.mmap(MapRequest.anon(16 * 0x1000, Prot.RW).fixed(DATA))).isEqualTo(DATA);
    CpuContext ctx = m.newContext();
    m.load(ctx);
    m.activate(vm);
    m.setReg(Reg.RIP, CODE);
    m.setReg(Reg.RCX, 16);
    m.setReg(Reg.RAX, 0x77);
    long faultsBefore = uvm.exp().faults;

    assertThat(m.run(100_000)).isEqualTo(StopReason.SYSCALL);
    assertThat(uvm.exp().faults - faultsBefore).isGreaterThanOrEqualTo(16);
    byte[] word = new byte[4];
    assertThat(vm.copyin(DATA + 15 * 0x1000, word, 0, 4)).isZero();
    assertThat(word[0]).isEqualTo((byte) 0x77);

    // one page more than mapped: the 17th store faults with SEGV_MAPERR at its instruction
    m.setReg(Reg.RIP, CODE);
    m.setReg(Reg.RCX, 17);
    assertThat(m.run(100_000)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault())
        .isEqualTo(new FaultRecord(DATA + 16 * 0x1000, Prot.WRITE, FaultResult.SEGV_MAPERR));
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 10);

    SystemAudit.check(uvm, List.of(vm));
    vm.free();
    ctx.close();
    SystemAudit.checkAllFreed(uvm, initiallyFree);
  }

  @Test
  void aChildRewritingCodeOnACopyOnWritePageRunsItsCodeAndTheParentKeepsItsOwn()
      throws UvmException {
    // 0x00: mov dword [rip+0x10], 0x000009b8 -> rewrites "mov eax, 5" at 0x1a into "mov eax, 9"
    // 0x0a..0x19: nop ; 0x1a: mov eax, 5 ; 0x1f: syscall
    byte[] code = new byte[0x21];
    byte[] store = bytes(0xc7, 0x05, 0x10, 0, 0, 0, 0xb8, 0x09, 0x00, 0x00);
    System.arraycopy(store, 0, code, 0, store.length);
    for (int i = 0x0a; i < 0x1a; i++) {
      code[i] = (byte) 0x90;
    }
    System.arraycopy(bytes(0xb8, 5, 0, 0, 0, 0x0f, 0x05), 0, code, 0x1a, 7);
    Vmspace parent = spaceWithCode(uvm, code);

    CpuContext pc = m.newContext();
    m.load(pc);
    m.activate(parent);
    m.setReg(Reg.RIP, CODE + 0x1a);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(5);
    m.save(pc);

    Vmspace child = parent.fork();
    CpuContext cc = m.newContext();
    m.load(cc);
    m.activate(child);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).as("the child ran its rewritten copy").isEqualTo(9);

    m.load(pc);
    m.activate(parent);
    m.setReg(Reg.RIP, CODE + 0x1a);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).as("the parent's code is unchanged").isEqualTo(5);

    SystemAudit.check(uvm, List.of(parent, child));
    child.free();
    parent.free();
    SystemAudit.checkAllFreed(uvm, initiallyFree);
  }
}
