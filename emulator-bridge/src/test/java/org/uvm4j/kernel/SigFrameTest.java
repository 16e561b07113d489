package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SigFrameTest {
  @Test
  void frameIsBelowTheRedZoneAndAlignedLikeACall() {
    for (long rsp = 0x7ffffff00000L; rsp < 0x7ffffff00000L + 64; rsp++) {
      long f = SigFrame.frameAddress(rsp);
      assertThat((f + 8) & 15).isZero();
      assertThat(f + SigFrame.SIZE).isLessThanOrEqualTo(rsp - SigFrame.RED_ZONE);
    }
  }

  @Test
  void layoutMatchesTheKernelsRtSigframe() {
    long[] g = new long[SigFrame.NGREG];
    for (int i = 0; i < g.length; i++) {
      g[i] = 0x1000 + i;
    }
    SigInfo info = SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_ACCERR, 0xdead000);
    byte[] f = SigFrame.build(g, 0x401234, 0x5555, info);
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
