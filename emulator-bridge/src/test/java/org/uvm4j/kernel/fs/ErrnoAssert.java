package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.uvm4j.uvm.UvmException;

/** Asserts that a kernel operation with a result fails with a given (positive) errno. */
final class ErrnoAssert {
  private ErrnoAssert() {}

  static void assertErrno(ThrowingCallable call, int errno) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).as("errno").isEqualTo(errno));
  }
}
