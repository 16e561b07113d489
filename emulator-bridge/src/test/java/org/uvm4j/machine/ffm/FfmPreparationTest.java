package org.uvm4j.machine.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;

/**
 * The FFM head start ({@code FfmPreparation}) really links: after {@code CpuBackends.prepare(FFM)}
 * both of its threads finish without a failure, and an engine opens afterwards. By reflection: the
 * FFM classes exist only on a JDK >= 22 (skipped, saying why, without them).
 */
class FfmPreparationTest {
  @Test
  void preparationFinishesWithoutAFailureAndOpenWorksAfterIt() throws Exception {
    String why = CpuBackends.ffmUnavailableReason();
    assumeTrue(why == null, () -> "FFM binding unavailable: " + why);
    CpuBackends.prepare(BackendKind.FFM);
    Method await =
        Class.forName("org.uvm4j.machine.ffm.FfmPreparation")
            .getDeclaredMethod("awaitFinished", Duration.class);
    await.setAccessible(true);
    // prepare() starts the preparation from a thread of its own: give it time to get there
    String outcome = "not started";
    for (int i = 0; i < 600 && "not started".equals(outcome); i++) {
      outcome = (String) await.invoke(null, Duration.ofSeconds(60));
      if ("not started".equals(outcome)) {
        Thread.sleep(100);
      }
    }
    assertThat(outcome).as("FfmPreparation's outcome (null: both parts linked)").isNull();
    try (CpuBackend cpu = CpuBackends.open(BackendKind.FFM)) {
      assertThat(cpu.name()).isEqualTo("ffm");
    }
  }
}
