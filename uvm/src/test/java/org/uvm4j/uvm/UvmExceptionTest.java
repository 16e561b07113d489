package org.uvm4j.uvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UvmExceptionTest {
  @Test
  void carriesPositiveErrnoAndMessage() {
    UvmException e = new UvmException(Errno.EFAULT, "copyin at 0x1000");
    assertThat(e.errno()).isEqualTo(Errno.EFAULT);
    assertThat(e.getMessage()).isEqualTo("copyin at 0x1000");
    assertThat(new UvmException(Errno.ENOMEM).errno()).isEqualTo(Errno.ENOMEM);
  }

  @Test
  void rejectsZeroAndNegativeErrno() {
    assertThatThrownBy(() -> new UvmException(0, "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UvmException(-Errno.EINVAL, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isChecked() {
    assertThat(Exception.class).isAssignableFrom(UvmException.class);
    assertThat(RuntimeException.class.isAssignableFrom(UvmException.class)).isFalse();
  }
}
