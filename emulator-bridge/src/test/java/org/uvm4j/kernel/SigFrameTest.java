package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SigFrameTest {
  @Test
  void fpstateIs64ByteAlignedBelowTheTopAndTheFrameBelowItAlignedLikeACall() {
    for (long top = 0x7ffffff00000L; top < 0x7ffffff00000L + 128; top++) {
      long fp = SigFpstate.address(top);
      assertThat(fp & 63).isZero();
      assertThat(fp + SigFpstate.SIZE).isLessThanOrEqualTo(top);
      assertThat(top - (fp + SigFpstate.SIZE)).isLessThan(64);
      long f = SigFrame.frameAddress(fp);
      assertThat((f + 8) & 15).isZero();
      assertThat(f + SigFrame.SIZE).isLessThanOrEqualTo(fp);
      assertThat(fp - (f + SigFrame.SIZE)).isLessThan(32);
    }
    // Linux's numbers for rsp 0x7ffffff00100 on a CPU without XSAVE
    long top = 0x7ffffff00100L - SigFrame.RED_ZONE;
    assertThat(SigFpstate.address(top)).isEqualTo(0x7fffffeffe80L);
    assertThat(SigFrame.frameAddress(0x7fffffeffe80L)).isEqualTo(0x7fffffeffcb8L);
  }

  @Test
  void layoutMatchesTheKernelsRtSigframe() {
    long[] g = new long[SigFrame.NGREG];
    for (int i = 0; i < g.length; i++) {
      g[i] = 0x1000 + i;
    }
    SigInfo info = SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_ACCERR, 0xdead000);
    byte[] f = SigFrame.build(g, 0x401234, 0x5555, info, 0x7fffffeffe80L);
    assertThat(f).hasSize(SigFrame.SIZE);
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getLong(0)).isEqualTo(0x401234); // pretcode
    // uc_mcontext.gregs[REG_RIP] at uc + 40 + 16 * 8
    assertThat(b.getLong(SigFrame.UC + 40 + SigFrame.REG_RIP * 8)).isEqualTo(0x1000 + 16);
    assertThat(b.getLong(SigFrame.UC + 296)).isEqualTo(0x5555); // uc_sigmask
    assertThat(b.getInt(SigFrame.INFO)).isEqualTo(Signals.SIGSEGV);
    assertThat(b.getInt(SigFrame.INFO + 8)).isEqualTo(SigInfo.SEGV_ACCERR);
    assertThat(b.getLong(SigFrame.INFO + 16)).isEqualTo(0xdead000);
    byte[] uc = Arrays.copyOfRange(f, SigFrame.UC, SigFrame.UC + SigFrame.UC_SIZE);
    assertThat(SigFrame.registers(uc)).containsExactly(g);
    assertThat(SigFrame.mask(uc)).isEqualTo(0x5555);
    assertThat(b.getLong(SigFrame.UC + 224)).isEqualTo(0x7fffffeffe80L); // uc_mcontext.fpstate
    assertThat(SigFrame.fpstate(uc)).isEqualTo(0x7fffffeffe80L);
    assertThat(b.getLong(SigFrame.UC)).isEqualTo(6); // uc_flags: SIGCONTEXT_SS | STRICT_RESTORE_SS
    assertThat(b.getInt(SigFrame.UC + 16 + 8)).isEqualTo(2); // uc_stack.ss_flags SS_DISABLE
    assertThat(SigFrame.UC + SigFrame.UC_FPSTATE - SigFrame.UC).isEqualTo(224);
    assertThat(SigFrame.SIZE).isEqualTo(440); // sizeof(struct rt_sigframe)
  }

  @Test
  void siginfoForChildAndKill() {
    ByteBuffer b =
        ByteBuffer.wrap(new SigInfo(Signals.SIGCHLD, SigInfo.CLD_EXITED, 5, 1000, 3, 0).toBytes())
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(16)).isEqualTo(5);
    assertThat(b.getInt(20)).isEqualTo(1000);
    assertThat(b.getInt(24)).isEqualTo(3);
    ByteBuffer k =
        ByteBuffer.wrap(SigInfo.user(Signals.SIGTERM, SigInfo.SI_TKILL, 9).toBytes())
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(k.getInt(8)).isEqualTo(SigInfo.SI_TKILL);
    assertThat(k.getInt(16)).isEqualTo(9);
  }
}
