package org.uvm4j.machine.ram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.uvm4j.machine.CpuContext;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.StopReason;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.machine.backend.TestBackends;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.TestHostLibcs;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Guest memory in frames above 4 GiB, through the emulator: RAM of 8 GiB in anonymous mmap regions
 * whose low 5 GiB (less a few pages) are reserved, so every frame the guest gets lies above 4 GiB
 * and its pages straddle the boundary between two 1 GiB regions. On each libunicorn binding with
 * the RAM mapped through each host libc binding.
 */
@ParameterizedClass(name = "{0}, libc through {1}")
@MethodSource("cases")
class HighMemoryMachineTest {
  static final long CODE = 0x400000;
  static final long DATA = 0x10000000;
  static final int PAGES = 16;

  private final BackendKind kind;
  private final HostLibc libc;

  HighMemoryMachineTest(BackendKind kind, String libc) {
    TestBackends.assumeAvailable(kind);
    this.kind = kind;
    this.libc = TestHostLibcs.of(libc);
  }

  static Stream<Arguments> cases() {
    return TestBackends.ALL.stream()
        .flatMap(k -> TestHostLibcs.ALL.stream().map(l -> Arguments.of(k, l)));
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Test
  void guestLoadsAndStoresReachFramesAbove4GiBInSeveralRegions() throws UvmException {
    long reserved = (5L << 30) - 8 * PhysMem.PAGE_SIZE;
    MmapRamBacking backing = new MmapRamBacking(libc);
    Uvm uvm = new Uvm(UvmConfig.ofRam(8L << 30).withReservedLow(reserved), backing);
    Machine m = CpuBackends.openMachine(uvm, kind);
    assertThat(backing.regions()).isEqualTo(8); // every region mapped into the engine up front
    Vmspace vm = Vmspace.create(uvm, new FaultHandler(uvm));
    assertThat(vm.mmap(MapRequest.anon(0x1000, Prot.ALL).fixed(CODE))).isEqualTo(CODE);
    assertThat(vm.mmap(MapRequest.anon(PAGES * 0x1000, Prot.RW).fixed(DATA))).isEqualTo(DATA);
    // at CODE: mov rbx, DATA ; loop: mov [rbx], eax ; inc eax ; add rbx, 4096 ; dec ecx ; jnz loop
    //          ; syscall
    byte[] store =
        bytes(
            0x48, 0xbb, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x89, 0x03, 0xff, 0xc0, 0x48, 0x81, 0xc3, 0,
            0x10, 0, 0, 0xff, 0xc9, 0x75, 0xf1, 0x0f, 0x05);
    // at CODE + 0x100: mov rbx, DATA + 15 pages ; mov eax, [rbx + 8] ; syscall
    byte[] load = bytes(0x48, 0xbb, 0, 0xf0, 0, 0x10, 0, 0, 0, 0, 0x8b, 0x43, 0x08, 0x0f, 0x05);
    assertThat(vm.copyout(CODE, store, 0, store.length)).isZero();
    assertThat(vm.copyout(CODE + 0x100, load, 0, load.length)).isZero();

    CpuContext ctx = m.newContext();
    m.load(ctx);
    m.activate(vm);
    m.setReg(Reg.RIP, CODE);
    m.setReg(Reg.RCX, PAGES);
    m.setReg(Reg.RAX, 0x1000);
    assertThat(m.run(100_000)).isEqualTo(StopReason.SYSCALL);

    // every data page is in a frame above 4 GiB; they span regions 4 and 5
    boolean inRegion4 = false;
    boolean inRegion5 = false;
    for (int i = 0; i < PAGES; i++) {
      VmPage pg = vm.pmap().extract(DATA + i * 0x1000L);
      assertThat(pg.physAddr()).isGreaterThanOrEqualTo(4L << 30);
      inRegion4 |= pg.physAddr() >>> 30 == 4;
      inRegion5 |= pg.physAddr() >>> 30 == 5;
      byte[] word = new byte[4];
      uvm.physMem().read(pg, 0, word, 0, 4); // what the guest stored, seen from the host
      assertThat(word).containsExactly(i, 0x10, 0, 0);
    }
    assertThat(inRegion4).isTrue();
    assertThat(inRegion5).isTrue();

    // a host write into the last page is what the guest loads
    byte[] value = bytes(0x78, 0x56, 0x34, 0x12);
    assertThat(vm.copyout(DATA + (PAGES - 1) * 0x1000L + 8, value, 0, 4)).isZero();
    m.setReg(Reg.RIP, CODE + 0x100);
    assertThat(m.run(100_000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(0x12345678L);

    SystemAudit.check(uvm, List.of(vm));
    vm.free();
    ctx.close();
    m.close();
    uvm.physMem().close();
    assertThat(backing.regions()).isZero();
  }
}
