package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.uvm4j.machine.Fxsave;

class SigFpstateTest {
  @Test
  void swReservedCarriesLinuxsLegacyFxsaveBytes() {
    byte[] image = Fxsave.initial();
    Arrays.fill(image, Fxsave.RESERVED, Fxsave.SIZE, (byte) 0x5a); // not the CPU's: overwritten
    ByteBuffer b = ByteBuffer.wrap(SigFpstate.encode(image)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.capacity()).isEqualTo(512);
    assertThat(b.getInt(464)).isEqualTo(0x46505853); // magic1 FP_XSTATE_MAGIC1
    assertThat(b.getInt(468)).isEqualTo(516); // extended_size: 512 + FP_XSTATE_MAGIC2_SIZE
    assertThat(b.getLong(472)).isZero(); // xfeatures: fpu_user_cfg.default_features, no XSAVE
    assertThat(b.getInt(480)).isEqualTo(512); // xstate_size
    for (int i = 484; i < 512; i++) {
      assertThat(b.get(i)).as("sw_bytes padding %d", i).isZero();
    }
    for (int i = Fxsave.RESERVED; i < 464; i++) {
      assertThat(b.get(i)).as("reserved %d", i).isZero();
    }
    assertThat(b.getShort(Fxsave.FCW)).isEqualTo((short) 0x37f);
    assertThat(b.getInt(Fxsave.MXCSR)).isEqualTo(0x1f80);
  }

  @Property
  void theCpusBytesAreKeptAsTheyAre(@ForAll @Size(512) byte[] image) {
    byte[] out = SigFpstate.encode(image);
    assertThat(Arrays.copyOf(out, Fxsave.RESERVED)).isEqualTo(Arrays.copyOf(image, 416));
  }

  @Test
  void atMinsigstkszIsLinuxsMaxFrameSizeForAnFxsrCpu() {
    // init_sigframe_size: sizeof(struct sigframe_ia32) 736 + 15 + (512 + fsave header 112) + 63,
    // rounded up to 16
    assertThat(SigFpstate.maxFrameSize()).isEqualTo(1440);
    // below MINSIGSTKSZ (2048), so sigaltstack's check stays Linux's plain ss_size < 2048
    assertThat(SigFpstate.maxFrameSize()).isLessThan(SignalState.MINSIGSTKSZ);
  }
}
