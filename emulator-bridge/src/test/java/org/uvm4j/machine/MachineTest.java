package org.uvm4j.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.machine.backend.TestBackends;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.backend.TestBackends#ALL")
class MachineTest {
  static final long CODE = 0x400000;
  static final long DATA = 0x500000;
  static final long OTHER = 0x600000;

  final Uvm uvm = new Uvm(UvmConfig.ofRam(1 << 20));
  final Machine m;
  final TestSpace s = new TestSpace(uvm);

  MachineTest(BackendKind kind) {
    TestBackends.assumeAvailable(kind);
    m = CpuBackends.openMachine(uvm, kind);
    assertThat(m.backendName()).isEqualTo(kind.cliName());
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** mov rbx, imm64. */
  static int[] movRbx(long v) {
    int[] b = new int[10];
    b[0] = 0x48;
    b[1] = 0xbb;
    for (int i = 0; i < 8; i++) {
      b[2 + i] = (int) (v >>> (8 * i)) & 0xff;
    }
    return b;
  }

  static int[] cat(int[]... parts) {
    int n = 0;
    for (int[] p : parts) {
      n += p.length;
    }
    int[] r = new int[n];
    int i = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, r, i, p.length);
      i += p.length;
    }
    return r;
  }

  static final int[] STORE_EAX_AT_RBX = {0x89, 0x03};
  static final int[] SYSCALL = {0x0f, 0x05};

  static int[] movEax(int v) {
    return new int[] {0xb8, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24};
  }

  private void start(long rip) {
    m.activate(s.pmap, s);
    m.setReg(Reg.RIP, rip);
  }

  @Test
  void zeroFillFaultsAreResolvedInsideTheFill() {
    s.code(CODE, 0, cat(movRbx(DATA), movEax(0xabcd), STORE_EAX_AT_RBX, SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);

    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);

    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 19);
    assertThat(s.readInt(DATA)).isEqualTo(0xabcd);
    assertThat(s.faults).containsExactly("500000:-w-");
    assertThat(m.faults()).isEqualTo(1);
    assertThat(m.restarts()).isZero();
    assertThat(m.runs()).isEqualTo(1);
    assertThat(uvm.exp().tlbfills).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anUnresolvableFaultStopsAtTheInstructionAndARestartReExecutesIt() {
    s.code(CODE, 0, cat(movRbx(DATA), movEax(7), STORE_EAX_AT_RBX, SYSCALL));
    start(CODE);

    assertThat(m.run(1000)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault())
        .isEqualTo(new UnresolvedFault(DATA, Prot.WRITE, FaultResult.SEGV_MAPERR));
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 15);

    s.allow(DATA, 0x1000, Prot.READ);
    assertThat(m.run(1000)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault().result()).isEqualTo(FaultResult.SEGV_ACCERR);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 15);

    s.allow(DATA, 0x1000, Prot.RW);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.lastFault()).isNull();
    assertThat(s.readInt(DATA)).isEqualTo(7);
  }

  @Test
  void aFetchFromNonExecutableMemoryFaultsWithExecAccess() {
    s.code(CODE, 0, 0xff, 0xe3); // jmp rbx
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    m.setReg(Reg.RBX, DATA);
    assertThat(m.run(100)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault())
        .as("never touched: the pmap holds no translation, not present")
        .isEqualTo(new UnresolvedFault(DATA, Prot.EXEC, FaultResult.SEGV_ACCERR, false));
    assertThat(m.reg(Reg.RIP)).isEqualTo(DATA);
  }

  @Test
  void anExceptionInTheFaultPathIsAnErrorAndTheMachineSurvives() {
    s.code(CODE, 0, cat(movRbx(DATA), movEax(5), STORE_EAX_AT_RBX, SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    UvmPanic panic = new UvmPanic("KASSERT failed: test");
    s.extra =
        (va, access) -> {
          throw panic;
        };
    start(CODE);

    assertThat(m.run(1000)).isEqualTo(StopReason.ERROR);
    assertThat(m.lastError()).isSameAs(panic);

    s.extra = null;
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(s.readInt(DATA)).isEqualTo(5);
  }

  @Test
  void theSyscallStopLeavesRipAfterTheInstruction() {
    s.code(CODE, 0, cat(movEax(60), SYSCALL, movEax(61), SYSCALL));
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(60);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 7);
    m.setReg(Reg.RAX, 0);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(61);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 14);
    assertThat(m.instructionsRetired()).isEqualTo(2 * Machine.STOP_COST);
  }

  @Test
  void hltIsPrivilegedTheGuestRunsAtCpl3() {
    // Linux runs processes at CPL 3: a user-mode hlt raises #GP at the instruction (SIGSEGV)
    s.code(CODE, 0, cat(new int[] {0xf4}, movEax(5), SYSCALL));
    start(CODE);
    assertThat(m.run(1000)).isEqualTo(StopReason.INTERRUPT);
    assertThat(m.lastInterrupt()).isEqualTo(13);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE);
    m.setReg(Reg.RIP, CODE + 1);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(5);
  }

  @Test
  void privilegedInstructionsRaiseGeneralProtectionEveryTime() {
    int[][] privileged = {
      {0xfa}, // cli
      {0xfb}, // sti
      {0xf4}, // hlt
      {0xe4, 0x60}, // in al, 0x60
      {0xee}, // out dx, al
      {0x0f, 0x30}, // wrmsr
      {0x0f, 0x32}, // rdmsr
      {0x0f, 0x20, 0xd8}, // mov rax, cr3
      {0x0f, 0x22, 0xc0}, // mov cr0, rax
      {0x0f, 0x01, 0x14, 0x25, 0, 0, 0x40, 0}, // lgdt [CODE]
      {0x0f, 0x01, 0x1c, 0x25, 0, 0, 0x40, 0}, // lidt [CODE]
      {0x0f, 0x01, 0xf8}, // swapgs
      {0x0f, 0x06}, // clts
      {0x0f, 0x01, 0x38}, // invlpg [rax]
    };
    long va = CODE;
    for (int[] insn : privileged) {
      s.code(va, 0, cat(insn, movEax(60), SYSCALL));
      // three times: a #GP a hook took must not turn the next one into a double/triple fault
      for (int i = 0; i < 3; i++) {
        start(va);
        assertThat(m.run(1000)).as(java.util.Arrays.toString(insn)).isEqualTo(StopReason.INTERRUPT);
        assertThat(m.lastInterrupt()).as(java.util.Arrays.toString(insn)).isEqualTo(13);
        assertThat(m.reg(Reg.RIP)).isEqualTo(va);
      }
      va += 0x1000;
    }
  }

  @Test
  void repeatedDivideErrorsStayDivideErrors() {
    s.code(CODE, 0, 0x31, 0xd2, 0xf7, 0xf1); // xor edx,edx ; div ecx
    m.setReg(Reg.RCX, 0);
    for (int i = 0; i < 4; i++) {
      start(CODE);
      assertThat(m.run(100)).isEqualTo(StopReason.INTERRUPT);
      assertThat(m.lastInterrupt()).isZero();
    }
  }

  @Test
  void popfCannotChangeInterruptFlagOrIoplAndRdtscReadsTheVirtualCounter() {
    // push 0x3000 (IOPL 3, IF 0) ; popf ; pushf ; pop rbx ; rdtsc ; mov rsi, rax ; mov rdi, rdx ;
    // rdtsc ; mov rcx, rax ; mov eax, 60 ; syscall
    s.code(
        CODE,
        0,
        cat(
            new int[] {0x68, 0x00, 0x30, 0, 0, 0x9d, 0x9c, 0x5b},
            new int[] {0x0f, 0x31, 0x48, 0x89, 0xc6, 0x48, 0x89, 0xd7},
            new int[] {0x0f, 0x31, 0x48, 0x89, 0xc1},
            movEax(60),
            SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    m.setReg(Reg.RSP, DATA + 0x800);
    assertThat(m.run(1000)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RBX) & 0x3200).as("IF kept, IOPL 0").isEqualTo(0x200);
    long first = m.reg(Reg.RSI) | (m.reg(Reg.RDI) << 32);
    long second = m.reg(Reg.RCX) | (m.reg(Reg.RDX) << 32);
    // virtual time 0 when the run began: the counter moves one step per read
    assertThat(first).isEqualTo(Machine.TSC_STEP);
    assertThat(second).isEqualTo(2 * Machine.TSC_STEP);
    // the next run starts later in virtual time: the counter follows it
    start(CODE);
    m.setReg(Reg.RSP, DATA + 0x800);
    m.run(1000);
    assertThat(m.reg(Reg.RSI) | (m.reg(Reg.RDI) << 32)).isGreaterThan(second);
  }

  @Test
  void rdtscpIsInvalidAsTheQemu64CpuidSays() {
    s.code(CODE, 0, 0x0f, 0x01, 0xf9);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.INVALID_INSN);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE);
  }

  @Test
  void portIoIsPrivilegedAndLeavesRegistersAsBeforeTheInstruction() {
    // mov eax, 7 ; mov rbx, DATA ; in al, 0x60 ; mov [rbx], eax ; mov eax, 9 ; syscall
    s.code(
        CODE,
        0,
        cat(movEax(7), movRbx(DATA), new int[] {0xe4, 0x60}, STORE_EAX_AT_RBX, movEax(9), SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    for (int i = 0; i < 3; i++) {
      start(CODE);
      assertThat(m.run(1000)).isEqualTo(StopReason.INTERRUPT);
      assertThat(m.lastInterrupt()).isEqualTo(13);
      assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 15);
      assertThat(m.reg(Reg.RAX)).isEqualTo(7);
    }
    // out dx, al ; rep insb ; outsb each trap too
    for (int[] insn : new int[][] {{0xee}, {0xf3, 0x6c}, {0x6e}, {0x66, 0xe7, 0x80}}) {
      s.code(OTHER, 0, cat(insn, movEax(60), SYSCALL));
      start(OTHER);
      m.setReg(Reg.RCX, 1);
      m.setReg(Reg.RDI, DATA);
      m.setReg(Reg.RSI, DATA);
      assertThat(m.run(1000)).as(java.util.Arrays.toString(insn)).isEqualTo(StopReason.INTERRUPT);
      assertThat(m.lastInterrupt()).isEqualTo(13);
      assertThat(m.reg(Reg.RIP)).isEqualTo(OTHER);
      assertThat(m.reg(Reg.RDI)).isEqualTo(DATA);
      assertThat(m.reg(Reg.RCX)).isEqualTo(1);
    }
  }

  @Test
  void quantaInterruptsAndInvalidInstructionsAreReported() {
    s.code(CODE, 0, 0xeb, 0xfe); // jmp $
    start(CODE);
    assertThat(m.run(500)).isEqualTo(StopReason.QUANTUM);
    assertThat(m.run(500)).isEqualTo(StopReason.QUANTUM);
    assertThat(m.instructionsRetired()).isEqualTo(1000);

    s.code(CODE + 0x1000, 0, 0x31, 0xd2, 0xf7, 0xf1); // xor edx,edx ; div ecx
    m.setReg(Reg.RCX, 0);
    m.setReg(Reg.RIP, CODE + 0x1000);
    assertThat(m.run(100)).isEqualTo(StopReason.INTERRUPT);
    assertThat(m.lastInterrupt()).isZero();
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 0x1002);

    s.code(CODE + 0x2000, 0, 0x0f, 0x0b); // ud2
    m.setReg(Reg.RIP, CODE + 0x2000);
    assertThat(m.run(100)).isEqualTo(StopReason.INVALID_INSN);
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 0x2000);
  }

  @Test
  void hostRewrittenCodeIsRetranslated() {
    VmPage code = s.code(CODE, 0, cat(movEax(1), SYSCALL));
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(1);
    assertThat(code.executed).isTrue();
    long flushes = m.translationFlushes();

    s.write(code, 0, movEax(2)); // PhysMem tells the machine before writing
    assertThat(m.translationFlushes()).isEqualTo(flushes + 1);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(2);
  }

  @Test
  void aFrameReusedAfterHoldingCodeRunsItsNewContents() {
    VmPage first = s.code(CODE, 0, cat(movEax(1), SYSCALL));
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(1);

    s.pmap.remove(CODE, CODE + 0x1000);
    s.phys.free(first);
    VmPage again = s.code(OTHER, 0, cat(movEax(3), SYSCALL));
    assertThat(again).as("the free list reuses the frame").isSameAs(first);
    m.setReg(Reg.RIP, OTHER);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.reg(Reg.RAX)).isEqualTo(3);
  }

  @Test
  void codeRewrittenDuringAFillIsFlushedOutsideTheEngineAndTheInstructionRestarted() {
    // mov rbx, DATA ; mov eax, 1 ; mov [rbx], eax ; syscall ; (padding)
    VmPage code = s.code(CODE, 0, cat(movRbx(DATA), movEax(1), STORE_EAX_AT_RBX, SYSCALL));
    s.write(code, 19, 0x90, 0x90, 0x90, 0x90, 0x90);
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(code.executed).isTrue();

    // drop DATA; resolving its next fault rewrites the running code: "mov eax, 77 ; syscall"
    s.pmap.remove(DATA, DATA + 0x1000);
    s.extra =
        (va, access) -> {
          s.extra = null;
          s.write(code, 17, cat(movEax(77), SYSCALL));
          return FaultResult.OK;
        };
    m.setReg(Reg.RIP, CODE);
    long restarts = m.restarts();
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.restarts()).isEqualTo(restarts + 1);
    assertThat(m.reg(Reg.RAX)).as("the rewritten code ran").isEqualTo(77);
    assertThat(s.readInt(DATA)).isEqualTo(1);
  }

  @Test
  void aTranslationRemovedDuringAFillIsNotUsedAfterwards() {
    // store to OTHER (cached), then DATA (faults: its resolution removes OTHER), then OTHER again
    s.code(
        CODE,
        0,
        cat(
            movRbx(OTHER),
            STORE_EAX_AT_RBX,
            movRbx(DATA),
            STORE_EAX_AT_RBX,
            movRbx(OTHER),
            STORE_EAX_AT_RBX,
            SYSCALL));
    s.allow(OTHER, 0x1000, Prot.RW);
    s.allow(DATA, 0x1000, Prot.RW);
    s.extra =
        (va, access) -> {
          if ((va & ~0xfffL) == DATA) {
            s.forbid(OTHER);
            s.pmap.remove(OTHER, OTHER + 0x1000);
          }
          return FaultResult.OK;
        };
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault())
        .isEqualTo(new UnresolvedFault(OTHER, Prot.WRITE, FaultResult.SEGV_MAPERR));
    assertThat(m.reg(Reg.RIP)).isEqualTo(CODE + 34);
    assertThat(m.restarts()).isEqualTo(1);
  }

  @Test
  void aDowngradeOutsideTheEngineFlushesTheTlb() {
    s.code(CODE, 0, cat(movRbx(DATA), STORE_EAX_AT_RBX, SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);

    long flushes = m.tlbFlushes();
    s.allow(DATA, 0x1000, Prot.READ);
    s.pmap.protect(DATA, DATA + 0x1000, Prot.READ);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault().result()).isEqualTo(FaultResult.SEGV_ACCERR);
    // the downgrade of a cached page cost exactly one flush (a fresh TLB needed none at activation)
    assertThat(m.tlbFlushes()).isEqualTo(flushes + 1);
    assertThat(uvm.exp().tlbflushes).isEqualTo(m.tlbFlushes()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void invalidatingPagesThatWereNeverFilledCostsNoFlush() {
    s.code(CODE, 0, cat(movRbx(DATA), STORE_EAX_AT_RBX, SYSCALL));
    s.code(OTHER, 0, 0x90); // mapped, never touched
    s.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    long flushes = m.tlbFlushes();

    s.pmap.remove(OTHER, OTHER + 0x1000);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.tlbFlushes()).isEqualTo(flushes);
    assertThat(m.tlbFlushesAvoided()).isEqualTo(1);

    // a page that was filled still costs a flush, and the downgrade is seen
    s.allow(DATA, 0x1000, Prot.READ);
    s.pmap.protect(DATA, DATA + 0x1000, Prot.READ);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault().result()).isEqualTo(FaultResult.SEGV_ACCERR);
    assertThat(m.tlbFlushes()).isEqualTo(flushes + 1);
  }

  @Test
  void invalidationsBetweenTwoRunsCostOneFlush() {
    s.code(CODE, 0, cat(movRbx(OTHER), STORE_EAX_AT_RBX, movRbx(DATA), STORE_EAX_AT_RBX, SYSCALL));
    s.allow(DATA, 0x1000, Prot.RW);
    s.allow(OTHER, 0x1000, Prot.RW);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    long flushes = m.tlbFlushes();
    long invalidations = m.tlbInvalidations();

    s.allow(OTHER, 0x1000, Prot.READ);
    s.pmap.protect(OTHER, OTHER + 0x1000, Prot.READ);
    s.pmap.protect(DATA, DATA + 0x1000, Prot.READ);
    assertThat(m.tlbInvalidations()).isEqualTo(invalidations + 2);
    assertThat(m.tlbFlushes()).as("flushes wait for the next run").isEqualTo(flushes);
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.FAULT);
    assertThat(m.lastFault())
        .as("a protection fault on a page the pmap translates: present (the P bit)")
        .isEqualTo(new UnresolvedFault(OTHER, Prot.WRITE, FaultResult.SEGV_ACCERR, true));
    assertThat(m.tlbFlushes()).isEqualTo(flushes + 1);
  }

  @Test
  void activatingTheActiveAddressSpaceAgainKeepsTheTlb() {
    TestSpace other = new TestSpace(uvm);
    int[] prog = cat(movRbx(DATA), STORE_EAX_AT_RBX, SYSCALL);
    s.code(CODE, 0, prog);
    other.code(CODE, 0, prog);
    s.allow(DATA, 0x1000, Prot.RW);
    other.allow(DATA, 0x1000, Prot.RW);
    start(CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    long flushes = m.tlbFlushes();
    long fills = uvm.exp().tlbfills;

    m.activate(s.pmap, s); // as a vfork child sharing its parent's address space
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.tlbFlushes()).isEqualTo(flushes);
    assertThat(uvm.exp().tlbfills).as("still cached: no refill").isEqualTo(fills);

    m.activate(other.pmap, other); // another address space: flushed before its run
    m.setReg(Reg.RIP, CODE);
    assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
    assertThat(m.tlbFlushes()).isEqualTo(flushes + 1);
    assertThat(other.pmap.extract(DATA)).isNotSameAs(s.pmap.extract(DATA));
  }

  @Test
  void twoProcessesSwitchContextsAndAddressSpaces() {
    TestSpace other = new TestSpace(uvm);
    // the same code in both spaces: load [DATA] into eax, add 1, store, syscall
    int[] prog = cat(movRbx(DATA), new int[] {0x8b, 0x03, 0xff, 0xc0}, STORE_EAX_AT_RBX, SYSCALL);
    s.code(CODE, 0, prog);
    other.code(CODE, 0, prog);
    s.allow(DATA, 0x1000, Prot.RW);
    other.allow(DATA, 0x1000, Prot.RW);

    CpuContext a = m.newContext();
    CpuContext b = m.newContext();
    a.setReg(Reg.RIP, CODE);
    b.setReg(Reg.RIP, CODE);
    b.setReg(Reg.R12, 0xb);
    a.setReg(Reg.R12, 0xa);
    for (int round = 0; round < 3; round++) {
      for (int p = 0; p < 2; p++) {
        CpuContext ctx = p == 0 ? a : b;
        TestSpace space = p == 0 ? s : other;
        m.load(ctx);
        m.activate(space.pmap, space);
        assertThat(m.run(100)).isEqualTo(StopReason.SYSCALL);
        assertThat(m.reg(Reg.R12)).isEqualTo(p == 0 ? 0xa : 0xb);
        m.setReg(Reg.RIP, CODE);
        m.save(ctx);
      }
    }
    assertThat(s.readInt(DATA)).isEqualTo(3);
    assertThat(other.readInt(DATA)).isEqualTo(3);
    assertThat(s.pmap.extract(DATA)).isNotSameAs(other.pmap.extract(DATA));
  }

  @Test
  void newContextsAreFreshWhateverTheCpuHolds() {
    m.setReg(Reg.RAX, 99);
    m.setReg(Reg.FS_BASE, 0x1234000);
    CpuContext fresh = m.newContext();
    assertThat(fresh.reg(Reg.RAX)).isZero();
    assertThat(fresh.reg(Reg.FS_BASE)).isZero();
    assertThat(m.reg(Reg.RAX)).as("the CPU keeps its state").isEqualTo(99);
    assertThat(m.reg(Reg.FS_BASE)).isEqualTo(0x1234000);

    CpuContext copy = m.newContext();
    m.save(copy);
    assertThat(copy.reg(Reg.RAX)).isEqualTo(99);
    copy.close();
    fresh.close();
  }

  @Test
  void runNeedsAnActiveAddressSpace() {
    assertThatThrownBy(() -> m.run(10)).isInstanceOf(IllegalStateException.class);
    m.activate(s.pmap, s);
    assertThatThrownBy(() -> m.run(0)).isInstanceOf(IllegalArgumentException.class);
    m.close();
    assertThatThrownBy(() -> m.run(10)).isInstanceOf(IllegalStateException.class);
  }
}
