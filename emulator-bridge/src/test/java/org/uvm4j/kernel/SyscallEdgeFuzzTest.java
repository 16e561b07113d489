package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Coverage-guided fuzzing of the syscall edge against a live machine (Jazzer): each input is a list
 * of system calls (random numbers, mostly from the x86-64 table, and random arguments, some of them
 * valid pointers) that guest {@code syscall_fuzz} makes, one after the other, on a fresh kernel
 * whose host file system is read-only. Whatever the calls do to the guest (it may kill itself,
 * fork, unmap its own code, sleep forever), the kernel must end the run normally or by its limits,
 * never with another exception, a hang or an OutOfMemoryError, and the system audit afterwards must
 * find every page, amap and anon freed. {@code make test} fuzzes for a few seconds; {@code make
 * fuzz} for longer.
 */
class SyscallEdgeFuzzTest {
  private static final long SCRATCH_TAG = 0xabcdL << 48;

  @FuzzTest(maxDuration = "5s")
  void randomSyscallsLeaveTheKernelSound(FuzzedDataProvider data) throws Exception {
    Path guest = GuestHarness.guest("syscall_fuzz");
    int calls = data.consumeInt(1, 24);
    ByteBuffer in = ByteBuffer.allocate(calls * 7 * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < calls; i++) {
      long nr = data.consumeBoolean() ? data.consumeInt(0, 470) : data.consumeLong();
      in.putLong(nr);
      for (int a = 0; a < 6; a++) {
        in.putLong(argument(data));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            KernelConfig.builder()
                .stdin(new ByteArrayInputStream(in.array()))
                .stdout(out)
                .stderr(out)
                .ram(32L << 20)
                .fs(FsLayout.hostReadOnly())
                .maxInstructions(50_000_000L)
                .timeout(Duration.ofSeconds(5))
                .build(),
            Linux64::create);
    long free = k.uvm().physMem().freeCount();
    try {
      int status = k.run(guest, List.of("syscall_fuzz"), Map.of());
      assertThat(status).isBetween(0, 255);
    } catch (RunLimitException e) {
      // the calls made the guest sleep or spin until its limit: the kernel ended it cleanly
      assertThat(e.getMessage()).isNotBlank();
    }
    assertThat(SystemAudit.problems(k.uvm(), List.of())).isEmpty();
    SystemAudit.checkAllFreed(k.uvm(), free);
  }

  /** A small number, a flag-like value, a pointer into the guest's scratch buffer, or anything. */
  private static long argument(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 4)) {
      case 0 -> data.consumeInt(-2, 64);
      case 1 -> 1L << data.consumeInt(0, 63);
      case 2 -> SCRATCH_TAG | data.consumeInt(0, 4 * 4096 - 1);
      case 3 -> data.consumeInt();
      default -> data.consumeLong();
    };
  }
}
