package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;

/** The context reads each argument register as its C type. */
class SyscallContextTest {
  @TempDir Path dir;

  @Test
  void argumentsConvertAsTheirCTypes() {
    try (HandlerFixture f = new HandlerFixture(dir)) {
      Proc p = f.k.newProc();
      SyscallContext c =
          new SyscallContext()
              .set(p, 257, 0xffff_ff9cL, -1L, 0x1_0000_0005L, 0x8000_0000L, 42, 0x7fff_0000_1000L);
      assertThat(c.proc()).isSameAs(p);
      assertThat(c.nr()).isEqualTo(257);
      assertThat(c.fd(0)).as("AT_FDCWD as glibc passes it").isEqualTo(-100);
      assertThat(c.int32(0)).isEqualTo(-100);
      assertThat(c.uint32(0)).isEqualTo(0xffff_ff9cL);
      assertThat(c.size(1)).isEqualTo(-1L);
      assertThat(c.uint32(1)).isEqualTo(0xffff_ffffL);
      assertThat(c.flags(2)).isEqualTo(5);
      assertThat(c.int32(3)).isEqualTo(Integer.MIN_VALUE);
      assertThat(c.uint32(3)).isEqualTo(0x8000_0000L);
      assertThat(c.pid(4)).isEqualTo(42);
      assertThat(c.pointer(5)).isEqualTo(0x7fff_0000_1000L);
      assertThat(c.raw(2)).isEqualTo(0x1_0000_0005L);
      assertThat(c.mem().vm()).isSameAs(p.vm());
    }
  }
}
