package org.uvm4j.machine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.CpuHooks;
import org.uvm4j.machine.EmuStatus;
import org.uvm4j.machine.Fxsave;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.uc.Uc;
import org.uvm4j.uvm.Prot;

/**
 * The contract every {@link CpuBackend} keeps, run once per binding (JNA and FFM; FFM skipped on a
 * JVM without it): registers, hooks, refused fills and precise restart, exceptions in hooks, TLB
 * and translation flushes, contexts, and argument checks.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.backend.TestBackends#ALL")
class CpuBackendContractTest {
  private static final long CODE = 0x400000;
  private static final long DATA = 0x500000;
  private static final int SYSCALL_0 = 0x0f;
  private static final int SYSCALL_1 = 0x05;

  private final BackendKind kind;
  private final RawEngine e;

  CpuBackendContractTest(BackendKind kind) {
    TestBackends.assumeAvailable(kind);
    this.kind = kind;
    this.e = new RawEngine(kind, 16);
  }

  @AfterEach
  void close() {
    e.close();
  }

  /** mov eax, imm32 (zero-extends into RAX). */
  private static int[] movEax(int v) {
    return new int[] {0xb8, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24};
  }

  @Test
  void runsOnLibunicorn21OrLater() {
    assertThat(e.cpu.version()).matches("2\\.(1\\.\\d+|[2-9]\\d*\\.\\d+)");
    assertThat(e.cpu.libraryPath()).contains("libunicorn");
    assertThat(e.cpu.name()).isEqualTo(kind.cliName());
    assertThat(e.cpu.cpuModel()).isEqualTo(Uc.UC_CPU_X86_QEMU64);
  }

  /** Runs cpuid with EAX = {@code leaf}, ECX = 0 in the engine: EAX, EBX, ECX, EDX. */
  private int[] guestCpuid(int leaf) {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, 0x0f, 0xa2, SYSCALL_0, SYSCALL_1); // cpuid ; syscall
    e.cpu.writeReg(Reg.RAX, leaf);
    e.cpu.writeReg(Reg.RCX, 0);
    assertThat(e.run(CODE, 10)).isEqualTo(EmuStatus.OK);
    return new int[] {
      (int) e.cpu.readReg(Reg.RAX),
      (int) e.cpu.readReg(Reg.RBX),
      (int) e.cpu.readReg(Reg.RCX),
      (int) e.cpu.readReg(Reg.RDX)
    };
  }

  @Test
  void cpuIdIsWhatTheGuestsOwnCpuidAnswers() {
    org.uvm4j.machine.CpuId id = e.cpu.cpuId();
    int[] leaf0 = guestCpuid(0);
    assertThat(id.maxLeaf()).isEqualTo(leaf0[0]);
    assertThat(id.vendor())
        .isEqualTo(org.uvm4j.machine.CpuId.vendorOf(leaf0[1], leaf0[3], leaf0[2]));
    assertThat(id.vendor()).hasSize(12);
    int[] leaf1 = new int[4];
    System.arraycopy(guestCpuid(1), 0, leaf1, 0, 4);
    assertThat(id.signature()).isEqualTo(leaf1[0]);
    assertThat(id.ecx1()).isEqualTo(leaf1[2]);
    assertThat(id.edx1()).isEqualTo(leaf1[3]);
    assertThat(id.hwcap()).isEqualTo(leaf1[3] & 0xffff_ffffL);
    // FPU, TSC, CX8, CMOV, FXSR, SSE, SSE2: every x86-64 CPU; XSAVE (ECX bit 26): not this one's
    assertThat(id.hwcap() & 0x0700_8111L).isEqualTo(0x0700_8111L);
    assertThat(id.ecx1() & (1 << 26)).isZero();
  }

  @Test
  void everyRegisterRoundTrips() {
    long v = 0x1122334455667700L;
    for (Reg r : Reg.values()) {
      if (r == Reg.RFLAGS) {
        continue;
      }
      e.cpu.writeReg(r, v + r.ordinal());
    }
    for (Reg r : Reg.values()) {
      if (r != Reg.RFLAGS) {
        assertThat(e.cpu.readReg(r)).as(r.name()).isEqualTo(v + r.ordinal());
      }
    }
    e.cpu.writeReg(Reg.RFLAGS, 0x202 | 0x1);
    assertThat(e.cpu.readReg(Reg.RFLAGS) & 0xfff).isEqualTo(0x203);
    assertThat(java.util.Arrays.stream(Reg.values()).mapToInt(Uc::regId).distinct().count())
        .isEqualTo(Reg.values().length);
  }

  @Test
  void syscallStopsWithRipAfterTheInstruction() {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, movEax(42));
    e.poke(1, 5, SYSCALL_0, SYSCALL_1, 0xf4);

    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);

    assertThat(e.events).containsExactly("syscall@400005");
    assertThat(e.rip()).isEqualTo(CODE + 7);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(42);
  }

  @Test
  void refusedFillStopsAtTheFaultingInstructionAndRestartReExecutesIt() {
    e.map(CODE, 1, Prot.RX);
    // mov rbx, DATA ; mov [rbx], eax ; syscall
    e.poke(1, 0, 0x48, 0xbb, 0, 0, 0x50, 0, 0, 0, 0, 0);
    e.poke(1, 10, 0x89, 0x03, SYSCALL_0, SYSCALL_1);
    e.cpu.writeReg(Reg.RAX, 0x1234);

    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.EXCEPTION);
    assertThat(e.rip()).isEqualTo(CODE + 10);
    assertThat(e.lastRefusedVa).isEqualTo(DATA);
    assertThat(e.lastRefusedAccess).isEqualTo(Prot.WRITE);

    // read-only mapping: a write is still refused
    e.map(DATA, 2, Prot.READ);
    assertThat(e.run(e.rip(), 100)).isEqualTo(EmuStatus.EXCEPTION);
    assertThat(e.rip()).isEqualTo(CODE + 10);

    e.map(DATA, 2, Prot.RW);
    assertThat(e.run(e.rip(), 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@40000c");
    assertThat(e.peekInt(2, 0)).isEqualTo(0x1234);
  }

  @Test
  void anExceptionInTheFillHookBecomesCallbackFailedAndTheEngineSurvives() {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, movEax(7));
    e.poke(1, 5, SYSCALL_0, SYSCALL_1);
    IllegalStateException boom = new IllegalStateException("boom");
    e.throwOnFill = boom;

    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.CALLBACK_FAILED);
    assertThat(e.cpu.takeCallbackFailure()).isSameAs(boom);
    assertThat(e.cpu.takeCallbackFailure()).isNull();

    e.throwOnFill = null;
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(7);
  }

  @Test
  void anExceptionInTheSyscallHookBecomesCallbackFailed() {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, SYSCALL_0, SYSCALL_1, 0xeb, 0xfe);
    e.throwOnSyscall = new IllegalArgumentException("bad syscall");

    assertThat(e.run(CODE, 1000)).isEqualTo(EmuStatus.CALLBACK_FAILED);
    assertThat(e.cpu.takeCallbackFailure()).hasMessage("bad syscall");
    // the hook stopped the engine right after the syscall
    assertThat(e.rip()).isEqualTo(CODE + 2);
  }

  @Test
  void sseAndX87RunWithLinuxDefaults() {
    e.map(CODE, 1, Prot.RX);
    // pxor xmm0,xmm0 ; divss xmm0,xmm0 (0/0: invalid, masked -> NaN) ; fninit ; fldz ; fdiv st0,st0
    // (masked too) ; stmxcsr [rsp+8]... kept simple: syscall
    e.poke(
        1, 0, 0x66, 0x0f, 0xef, 0xc0, 0xf3, 0x0f, 0x5e, 0xc0, 0xdb, 0xe3, 0xd9, 0xee, 0xd8, 0xf0);
    e.poke(1, 14, SYSCALL_0, SYSCALL_1);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@40000e");
  }

  /**
   * mov rbx, DATA ; fld1 ; fldpi ; fldz ; movdqu xmm0, [rbx] ; movdqu xmm9, [rbx+16] ; ldmxcsr
   * [rbx+32] ; fxsave64 [rbx+0x200] ; syscall.
   */
  private void fxsaveProgram(int mxcsr) {
    e.map(CODE, 1, Prot.RX);
    e.map(DATA, 2, Prot.RW);
    e.poke(1, 0, 0x48, 0xbb, 0, 0, 0x50, 0, 0, 0, 0, 0);
    e.poke(1, 10, 0xd9, 0xe8, 0xd9, 0xeb, 0xd9, 0xee);
    e.poke(1, 16, 0xf3, 0x0f, 0x6f, 0x03, 0xf3, 0x44, 0x0f, 0x6f, 0x4b, 0x10);
    e.poke(1, 26, 0x0f, 0xae, 0x53, 0x20);
    e.poke(1, 30, 0x48, 0x0f, 0xae, 0x83, 0x00, 0x02, 0x00, 0x00);
    e.poke(1, 38, SYSCALL_0, SYSCALL_1);
    for (int i = 0; i < 32; i++) {
      e.poke(2, i, 0x11 * (i % 15) + i);
    }
    e.poke(2, 32, mxcsr & 0xff, (mxcsr >> 8) & 0xff, 0, 0);
  }

  private byte[] guestFxsave() {
    byte[] img = new byte[Fxsave.SIZE];
    e.ram.get(2 * RawEngine.PAGE + 0x200, img);
    return img;
  }

  @Test
  void saveFpuWritesWhatTheCpusOwnFxsave64Writes() {
    fxsaveProgram(0x7f81); // round toward zero, IE set
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@400026");
    byte[] guest = guestFxsave();
    byte[] mine = new byte[Fxsave.SIZE];
    e.cpu.saveFpu(mine);
    ByteBuffer g = ByteBuffer.wrap(guest).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer m = ByteBuffer.wrap(mine).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(m.getShort(Fxsave.FCW)).isEqualTo((short) 0x37f);
    assertThat(m.getShort(Fxsave.FSW) & 0x3800).isEqualTo(5 << 11); // TOP after three pushes
    assertThat(m.get(Fxsave.FTW) & 0xff).isEqualTo(0xe0); // physical registers 5, 6, 7 valid
    assertThat(m.getInt(Fxsave.MXCSR)).isEqualTo(0x7f81);
    // QEMU's fxsave64 writes FDP as 0 and leaves FOP alone: compare everything else it writes
    assertThat(Arrays.copyOfRange(mine, 0, 6)).isEqualTo(Arrays.copyOfRange(guest, 0, 6));
    assertThat(m.getLong(Fxsave.FIP)).isEqualTo(g.getLong(Fxsave.FIP));
    assertThat(Arrays.copyOfRange(mine, Fxsave.MXCSR, Fxsave.RESERVED))
        .isEqualTo(Arrays.copyOfRange(guest, Fxsave.MXCSR, Fxsave.RESERVED));
    // ST0 = +0, ST1 = pi, ST2 = 1.0 (80-bit: mantissa 0x8000000000000000, exponent 0x3fff)
    assertThat(m.getLong(Fxsave.ST_SPACE + 32)).isEqualTo(0x8000000000000000L);
    assertThat(m.getShort(Fxsave.ST_SPACE + 40)).isEqualTo((short) 0x3fff);
    byte[] data = guestData();
    assertThat(Arrays.copyOfRange(mine, Fxsave.XMM_SPACE, Fxsave.XMM_SPACE + 16))
        .isEqualTo(Arrays.copyOfRange(data, 0, 16));
    assertThat(Arrays.copyOfRange(mine, Fxsave.XMM_SPACE + 9 * 16, Fxsave.XMM_SPACE + 10 * 16))
        .isEqualTo(Arrays.copyOfRange(data, 16, 32));
  }

  private byte[] guestData() {
    byte[] d = new byte[32];
    e.ram.get(2 * RawEngine.PAGE, d);
    return d;
  }

  @Test
  void loadFpuIsWhatTheCpuThenSavesAndRefusesAReservedMxcsrBit() {
    fxsaveProgram(0x1f80);
    e.poke(1, 10, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90); // no pushes: the loaded x87 state stays
    e.poke(1, 16, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90); // no movdqu
    byte[] img = Fxsave.initial();
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(Fxsave.FCW, (short) 0x27f); // 53-bit precision
    b.putShort(Fxsave.FSW, (short) (6 << 11)); // TOP 6
    b.put(Fxsave.FTW, (byte) 0xc0); // physical 6 and 7 valid
    b.putLong(Fxsave.ST_SPACE, 0xc000000000000000L); // ST0 = 1.5
    b.putShort(Fxsave.ST_SPACE + 8, (short) 0x3fff);
    b.putLong(Fxsave.ST_SPACE + 16, 0x8000000000000000L); // ST1 = -2
    b.putShort(Fxsave.ST_SPACE + 24, (short) 0xc000);
    for (int i = 0; i < 16; i++) {
      b.putLong(Fxsave.XMM_SPACE + 16 * i, 0x0101010101010101L * (i + 1));
      b.putLong(Fxsave.XMM_SPACE + 16 * i + 8, ~(0x0101010101010101L * (i + 1)));
    }
    assertThat(e.cpu.loadFpu(img)).isTrue();
    e.poke(2, 32, 0x80, 0x1f | 0x20, 0, 0); // ldmxcsr reloads 0x3f80: round down
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    byte[] guest = guestFxsave();
    b.putInt(Fxsave.MXCSR, 0x3f80);
    assertThat(Arrays.copyOfRange(guest, 0, 6)).isEqualTo(Arrays.copyOfRange(img, 0, 6));
    assertThat(Arrays.copyOfRange(guest, Fxsave.MXCSR, Fxsave.RESERVED))
        .isEqualTo(Arrays.copyOfRange(img, Fxsave.MXCSR, Fxsave.RESERVED));

    byte[] bad = img.clone();
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(Fxsave.MXCSR, 0x10000 | 0x1f80);
    byte[] before = new byte[Fxsave.SIZE];
    e.cpu.saveFpu(before);
    assertThat(e.cpu.loadFpu(bad)).isFalse();
    byte[] after = new byte[Fxsave.SIZE];
    e.cpu.saveFpu(after);
    assertThat(after).isEqualTo(before);
  }

  @Test
  void quantumEndsAnEndlessLoop() {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, 0xeb, 0xfe); // jmp $
    assertThat(e.run(CODE, 10_000)).isEqualTo(EmuStatus.OK);
    assertThat(e.rip()).isEqualTo(CODE);
    assertThat(e.events).isEmpty();
  }

  @Test
  void countZeroRunsWithoutALimitUntilAHookStops() {
    e.map(CODE, 1, Prot.RX);
    // mov ecx, 3_000_000 ; loop: dec ecx ; jnz loop ; mov eax, 42 ; syscall
    e.poke(1, 0, 0xb9, 0xc0, 0xc6, 0x2d, 0x00, 0xff, 0xc9, 0x75, 0xfc);
    e.poke(1, 9, movEax(42));
    e.poke(1, 14, SYSCALL_0, SYSCALL_1);
    assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@40000e");
    assertThat(e.cpu.readReg(Reg.RCX)).isZero();
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(42);
    assertThatThrownBy(() -> e.run(CODE, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preemptFromAnotherThreadEndsAnUnlimitedRun() throws Exception {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, 0xeb, 0xfe); // jmp $
    e.cpu.enablePreemption();
    Thread preempter =
        new Thread(
            () -> {
              try {
                Thread.sleep(5);
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
              }
              e.cpu.preempt(); // once: a request is never lost
            });
    preempter.start();
    try {
      assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    } finally {
      preempter.join();
    }
    assertThat(e.rip()).isEqualTo(CODE);
    assertThat(e.events).isEmpty();
  }

  @Test
  void aPendingPreemptionEndsTheNextRunBeforeItsFirstInstructionUnlessWithdrawn() {
    e.map(CODE, 1, Prot.RX);
    // mov ecx, 3_000_000 ; loop: dec ecx ; jnz loop ; syscall
    e.poke(1, 0, 0xb9, 0xc0, 0xc6, 0x2d, 0x00, 0xff, 0xc9, 0x75, 0xfc, SYSCALL_0, SYSCALL_1);
    e.cpu.writeReg(Reg.RCX, 7);
    e.cpu.enablePreemption();
    e.cpu.preempt();
    assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    assertThat(e.rip()).as("taken at the first block start").isEqualTo(CODE);
    assertThat(e.cpu.readReg(Reg.RCX)).isEqualTo(7);

    e.cpu.preempt();
    e.cpu.clearPreemption();
    assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@400009");
    assertThat(e.cpu.readReg(Reg.RCX)).isZero();
  }

  /**
   * libunicorn honours an exit request after every guest load and store, restoring RIP to the start
   * of the instruction: {@code uc_emu_stop} from another thread could end a run between the store
   * of {@code add [rbx], 1} and the end of that instruction, which the next run would then execute
   * again. A preemption ends runs only between blocks: after every one of many preempted runs, the
   * memory counter equals the register counter incremented beside it.
   */
  @Test
  void preemptionNeverEndsARunInsideAnInstruction() throws Exception {
    e.map(CODE, 1, Prot.RX);
    e.map(DATA, 2, Prot.RW);
    // loop: inc rcx ; add qword [rbx], 1 ; lock xadd [rbx+8], rdx ; jmp loop   (rdx = 1)
    e.poke(
        1, 0, 0x48, 0xff, 0xc1, 0x48, 0x83, 0x03, 0x01, 0xf0, 0x48, 0x0f, 0xc1, 0x53, 0x08, 0xba,
        0x01, 0x00, 0x00, 0x00, 0xeb, 0xec);
    e.cpu.writeReg(Reg.RBX, DATA);
    e.cpu.writeReg(Reg.RCX, 0);
    e.cpu.writeReg(Reg.RDX, 1);
    e.cpu.enablePreemption();
    java.util.concurrent.atomic.AtomicBoolean running =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread preempter =
        new Thread(
            () -> {
              while (running.get()) {
                e.cpu.preempt();
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
              }
            });
    preempter.start();
    int runs = 0;
    try {
      long rip = CODE;
      while (runs < 2_000) {
        assertThat(e.run(rip, 0)).isEqualTo(EmuStatus.OK);
        rip = e.rip();
        runs++;
        long count = e.cpu.readReg(Reg.RCX);
        assertThat(e.peekInt(2, 0))
            .as("add [rbx], 1 ran once per inc rcx (run %d, RIP 0x%x)", runs, rip)
            .isEqualTo((int) count);
        assertThat(e.peekInt(2, 8))
            .as("lock xadd ran once per inc rcx (run %d, RIP 0x%x)", runs, rip)
            .isEqualTo((int) count);
      }
    } finally {
      running.set(false);
      preempter.join();
      e.cpu.clearPreemption();
    }
    assertThat(e.cpu.readReg(Reg.RCX)).as("the loop made progress").isGreaterThan(runs);
  }

  @Test
  void aStopWhileNothingRunsDoesNotEndTheNextRun() {
    e.map(CODE, 1, Prot.RX);
    // mov ecx, 3_000_000 ; loop: dec ecx ; jnz loop ; syscall
    e.poke(1, 0, 0xb9, 0xc0, 0xc6, 0x2d, 0x00, 0xff, 0xc9, 0x75, 0xfc, SYSCALL_0, SYSCALL_1);
    e.cpu.stop();
    assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@400009");
    assertThat(e.cpu.readReg(Reg.RCX)).isZero();

    // a stop issued by the syscall hook's run (already ended) does not end the next one either
    e.events.clear();
    e.cpu.stop();
    e.cpu.stop();
    assertThat(e.run(CODE, 0)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("syscall@400009");
    assertThat(e.cpu.readReg(Reg.RCX)).isZero();
  }

  @Test
  void cpuExceptionsReachTheInterruptHook() {
    e.map(CODE, 1, Prot.RX);
    // xor edx, edx ; div ecx (ecx = 0) -> #DE at the div
    e.poke(1, 0, 0x31, 0xd2, 0xf7, 0xf1);
    e.cpu.writeReg(Reg.RCX, 0);
    assertThat(e.run(CODE, 10)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("int0@400002");

    e.events.clear();
    e.poke(1, 0x10, 0xcc, 0x90); // int3: RIP after it, as Linux reports SIGTRAP
    assertThat(e.run(CODE + 0x10, 10)).isEqualTo(EmuStatus.OK);
    assertThat(e.events).containsExactly("int3@400011");
  }

  @Test
  void undecodableInstructionsStopWithInvalidInsn() {
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, 0x90, 0x0f, 0x0b); // nop ; ud2
    assertThat(e.run(CODE, 10)).isEqualTo(EmuStatus.INVALID_INSN);
    assertThat(e.rip()).isEqualTo(CODE + 1);
    assertThat(e.events).containsExactly("invalid@400001");
  }

  @Test
  void tlbFlushForcesRefillsAndPermissionsComeOnlyFromTheFill() {
    e.map(CODE, 1, Prot.RX);
    e.map(DATA, 2, Prot.READ);
    // mov rbx, DATA ; mov eax, [rbx] ; syscall
    e.poke(1, 0, 0x48, 0xbb, 0, 0, 0x50, 0, 0, 0, 0, 0);
    e.poke(1, 10, 0x8b, 0x03, SYSCALL_0, SYSCALL_1);
    e.poke(2, 0, 0x78, 0x56, 0x34, 0x12);

    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(0x12345678);
    long afterFirst = e.fills;
    assertThat(afterFirst).isGreaterThanOrEqualTo(2);

    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.fills).as("cached translations need no fill").isEqualTo(afterFirst);

    // remap DATA to another frame: the cached entry survives until the TLB is flushed
    e.map(DATA, 3, Prot.READ);
    e.poke(3, 0, 0x01, 0, 0, 0);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(0x12345678);
    e.cpu.flushTlb();
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(1);
    assertThat(e.fills).isGreaterThanOrEqualTo(afterFirst + 2);
  }

  @Test
  void hostRewrittenCodeRunsAfterTranslationsAreDropped() {
    e.map(CODE, 1, Prot.ALL);
    e.poke(1, 0, movEax(1));
    e.poke(1, 5, SYSCALL_0, SYSCALL_1);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(1);

    e.poke(1, 0, movEax(2));
    e.cpu.flushTranslations();
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(2);

    e.poke(1, 0, movEax(3));
    e.cpu.removeTranslations(CODE, CODE + RawEngine.PAGE);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(3);
  }

  @Test
  void guestWrittenCodeIsSeenWithoutHelp() {
    e.map(CODE, 1, Prot.ALL);
    // mov dword [rip + 0x10], 0x000009b8 (rewrites the imm of the mov at +0x1a) ; ...
    // layout: 0: c7 05 disp32 imm32 (10 bytes) -> writes at 10 + disp
    // target "mov eax, imm32" at 0x1a: disp = 0x1a - 10 = 0x10, we rewrite bytes b8 09 00 00
    e.poke(1, 0, 0xc7, 0x05, 0x10, 0, 0, 0, 0xb8, 0x09, 0x00, 0x00);
    for (int i = 10; i < 0x1a; i++) {
      e.poke(1, i, 0x90);
    }
    e.poke(1, 0x1a, movEax(5));
    e.poke(1, 0x1f, SYSCALL_0, SYSCALL_1);
    assertThat(e.run(CODE + 0x1a, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(5);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(9);
  }

  @Test
  void contextsSaveAndRestoreTheWholeRegisterFile() {
    e.cpu.writeReg(Reg.RAX, 1);
    e.cpu.writeReg(Reg.FS_BASE, 0x7000);
    e.cpu.writeReg(Reg.RIP, CODE);
    CpuBackend.Context a = e.cpu.newContext();
    e.cpu.writeReg(Reg.RAX, 2);
    e.cpu.writeReg(Reg.FS_BASE, 0x9000);
    e.cpu.writeReg(Reg.RIP, DATA);
    CpuBackend.Context b = e.cpu.newContext();
    assertThat(e.cpu.liveContexts()).isEqualTo(2);

    e.cpu.restore(a);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(1);
    assertThat(e.cpu.readReg(Reg.FS_BASE)).isEqualTo(0x7000);
    assertThat(e.cpu.readReg(Reg.RIP)).isEqualTo(CODE);
    e.cpu.restore(b);
    assertThat(e.cpu.readReg(Reg.RAX)).isEqualTo(2);
    assertThat(e.cpu.readReg(Reg.FS_BASE)).isEqualTo(0x9000);

    // registers of a saved context, without loading it
    assertThat(a.reg(Reg.RAX)).isEqualTo(1);
    a.setReg(Reg.RAX, 0);
    e.cpu.restore(a);
    assertThat(e.cpu.readReg(Reg.RAX)).isZero();

    // save overwrites
    e.cpu.writeReg(Reg.RBX, 77);
    e.cpu.save(b);
    assertThat(b.reg(Reg.RBX)).isEqualTo(77);

    a.close();
    a.close();
    assertThat(e.cpu.liveContexts()).isEqualTo(1);
    assertThatThrownBy(() -> e.cpu.restore(a)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.reg(Reg.RAX)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void physicalMemoryMustBeDirectWholePages() {
    try (RawEngine other = new RawEngine(kind, 1)) {
      assertThatThrownBy(() -> other.cpu.mapPhysical(0, ByteBuffer.allocateDirect(4096)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("overlaps");
    }
    CpuBackend cpu = CpuBackends.open(kind);
    try {
      assertThatThrownBy(() -> cpu.mapPhysical(0, ByteBuffer.allocate(4096)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("direct");
      assertThatThrownBy(() -> cpu.mapPhysical(0, ByteBuffer.allocateDirect(100)))
          .isInstanceOf(IllegalArgumentException.class);
      ByteBuffer page = ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096);
      page.limit(4096);
      assertThatThrownBy(() -> cpu.mapPhysical(100, page.slice()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("page boundary");
      assertThatThrownBy(() -> cpu.mapPhysical(-4096, page.slice()))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      cpu.close();
    }
  }

  @Test
  void regionsMappedAtConsecutiveAndHighPhysicalAddressesAreRam() {
    // a second region right after the fixture's 16 frames, and a third one above 8 GiB
    ByteBuffer next = ByteBuffer.allocateDirect(5 * 4096).alignedSlice(4096);
    next.limit(4 * 4096);
    next.order(java.nio.ByteOrder.LITTLE_ENDIAN);
    ByteBuffer high = ByteBuffer.allocateDirect(3 * 4096).alignedSlice(4096);
    high.limit(2 * 4096);
    high.order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long highPa = 8L << 30;
    e.cpu.mapPhysical(16 * 4096, next.slice());
    e.cpu.mapPhysical(highPa, high.slice());
    assertThatThrownBy(() -> e.cpu.mapPhysical(highPa + 4096, next.slice()))
        .isInstanceOf(IllegalStateException.class);

    // mov rbx, DATA ; mov [rbx], eax ; mov ecx, [rbx + 4] ; syscall
    e.map(CODE, 1, Prot.RX);
    e.poke(1, 0, 0x48, 0xbb, 0, 0, 0x50, 0, 0, 0, 0, 0);
    e.poke(1, 10, 0x89, 0x03, 0x8b, 0x4b, 0x04, SYSCALL_0, SYSCALL_1);

    e.map(DATA, 17, Prot.RW); // frame 1 of the second region
    next.putInt(4096 + 4, 0x5150);
    e.cpu.writeReg(Reg.RAX, 0xabcd);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(next.getInt(4096)).isEqualTo(0xabcd);
    assertThat(e.cpu.readReg(Reg.RCX)).isEqualTo(0x5150);

    e.unmap(DATA);
    e.cpu.flushTlb();
    e.map(DATA, (int) (highPa >>> 12) + 1, Prot.RW); // frame 1 of the region above 8 GiB
    high.putInt(4096 + 4, 0x7788);
    e.cpu.writeReg(Reg.RAX, 0x1357);
    assertThat(e.run(CODE, 100)).isEqualTo(EmuStatus.OK);
    assertThat(high.getInt(4096)).isEqualTo(0x1357);
    assertThat(e.cpu.readReg(Reg.RCX)).isEqualTo(0x7788);
  }

  @Test
  void closingTwiceIsHarmlessAndUseAfterCloseFails() {
    CpuBackend cpu = CpuBackends.open(kind);
    cpu.newContext();
    cpu.close();
    cpu.close();
    assertThat(cpu.liveContexts()).isZero();
    assertThatThrownBy(() -> cpu.start(CODE, 1)).isInstanceOf(IllegalStateException.class);
  }

  /**
   * The fill path is the hot path: once compiled, a fill answered from the table allocates nothing
   * in the binding (per-thread allocation counter; no timing). The hooks here use a plain array.
   */
  @Test
  void tlbFillsAllocateNothingInTheBinding() {
    int pages = 64;
    long[] table = new long[pages];
    for (int i = 0; i < pages; i++) {
      table[i] = ((long) (2 + (i % 8)) << 12) | Prot.RW;
    }
    long[] fills = new long[1];
    CpuHooks hooks =
        new CpuHooks() {
          @Override
          public long tlbFill(long va, int access) {
            fills[0]++;
            if (va >= CODE && va < CODE + RawEngine.PAGE) {
              return (1L << 12) | Prot.RX;
            }
            int i = (int) ((va - DATA) >>> 12);
            return i >= 0 && i < pages ? table[i] : 0;
          }

          @Override
          public void syscall() {
            e.cpu.stop();
          }

          @Override
          public void interrupt(int vector) {
            e.cpu.stop();
          }

          @Override
          public boolean invalidInstruction() {
            return false;
          }

          @Override
          public long timestampCounter() {
            return 0;
          }
        };
    e.cpu.setHooks(hooks);
    // mov rbx, DATA ; mov ecx, 64 ; l: mov eax, [rbx] ; add rbx, 4096 ; dec ecx ; jnz l ; syscall
    e.poke(1, 0, 0x48, 0xbb, 0, 0, 0x50, 0, 0, 0, 0, 0);
    e.poke(1, 10, 0xb9, pages, 0, 0, 0);
    e.poke(1, 15, 0x8b, 0x03, 0x48, 0x81, 0xc3, 0, 0x10, 0, 0, 0xff, 0xc9, 0x75, 0xf3);
    e.poke(1, 28, SYSCALL_0, SYSCALL_1);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    // warm up until the JIT has compiled the path (it compiles in the background, so on a loaded
    // machine that can take a while): the quietest of up to 30 windows counts
    double leastPerFill = Double.MAX_VALUE;
    long measuredFills = 0;
    for (int w = 0; w < 30 && leastPerFill >= 1; w++) {
      long fillsBefore = fills[0];
      long before = threads.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 1_000; i++) {
        e.cpu.flushTlb();
        e.cpu.start(CODE, 1_000);
      }
      long allocated = threads.getThreadAllocatedBytes(tid) - before;
      measuredFills = fills[0] - fillsBefore;
      assertThat(measuredFills).isGreaterThanOrEqualTo(1_000L * pages);
      leastPerFill = Math.min(leastPerFill, (double) allocated / measuredFills);
    }
    assertThat(e.cpu.readReg(Reg.RBX)).isEqualTo(DATA + (long) pages * RawEngine.PAGE);
    // less than one byte per fill: any per-call object (>= 16 bytes) would exceed it many times
    assertThat(leastPerFill)
        .as("bytes allocated per fill (%d fills a window)", measuredFills)
        .isLessThan(1.0);
  }
}
