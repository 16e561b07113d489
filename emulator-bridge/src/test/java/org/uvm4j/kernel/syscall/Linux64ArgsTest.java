package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.syscall.Linux64Args.Arg;
import org.uvm4j.kernel.syscall.Linux64Args.Signature;

/** The argument signatures are declared once, for calls the table knows, and are well formed. */
class Linux64ArgsTest {
  @Test
  void everySignatureIsATableRowAndNoneIsDeclaredTwice() {
    Map<Integer, SyscallEntry> rows =
        Linux64.declaration().stream()
            .collect(Collectors.toMap(SyscallEntry::nr, Function.identity()));
    Set<Integer> seen = new HashSet<>();
    for (Signature s : Linux64Args.declaration()) {
      assertThat(rows).as("syscall %d has a Linux64 row", s.nr()).containsKey(s.nr());
      assertThat(seen.add(s.nr())).as("syscall %d declared once", s.nr()).isTrue();
    }
  }

  @Test
  void lengthTakingBuffersAreFollowedByTheirLength() {
    for (Signature s : Linux64Args.declaration()) {
      List<Arg> a = s.args();
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) == Arg.BUF_IN || a.get(i) == Arg.IOV_IN || a.get(i) == Arg.IOV_OUT) {
          assertThat(i + 1)
              .as("syscall %d: %s has a length after it", s.nr(), a.get(i))
              .isLessThan(a.size());
        }
        if (a.get(i) == Arg.OPEN_MODE) {
          assertThat(a.get(i - 1))
              .as("syscall %d: mode follows open flags", s.nr())
              .isEqualTo(Arg.OPEN_FLAGS);
        }
      }
    }
  }

  @Test
  void theCallsEveryMuslProgramMakesHaveSignatures() {
    Set<Integer> declared =
        Linux64Args.declaration().stream().map(Signature::nr).collect(Collectors.toSet());
    // read write open close mmap munmap brk rt_sigprocmask writev fork execve exit wait4
    // arch_prctl set_tid_address exit_group
    assertThat(declared).contains(0, 1, 2, 3, 9, 11, 12, 14, 20, 57, 59, 60, 61, 158, 218, 231);
  }
}
