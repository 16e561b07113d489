package org.uvm4j.machine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.MachineException;

/** Backend selection: AUTO, the system property, and a clear refusal of an unavailable FFM. */
class CpuBackendsTest {
  private final String saved = System.getProperty(CpuBackends.PROPERTY);

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(CpuBackends.PROPERTY);
    } else {
      System.setProperty(CpuBackends.PROPERTY, saved);
    }
  }

  @Test
  void ffmIsAvailableExactlyOnJava22OrLaterWithTheJava22Classes() {
    String why = CpuBackends.ffmUnavailableReason();
    if (Runtime.version().feature() < 22) {
      assertThat(why).contains("Java " + Runtime.version().feature()).contains("22 or later");
      assertThat(CpuBackends.available()).containsExactly(BackendKind.JNA);
    } else if (why == null) {
      assertThat(CpuBackends.available()).containsExactly(BackendKind.JNA, BackendKind.FFM);
    } else {
      assertThat(why).contains("no FFM classes");
    }
  }

  @Test
  void autoPrefersFfmAndOtherwiseJna() {
    System.clearProperty(CpuBackends.PROPERTY);
    BackendKind expected =
        CpuBackends.ffmUnavailableReason() == null ? BackendKind.FFM : BackendKind.JNA;
    assertThat(CpuBackends.resolve(BackendKind.AUTO)).isEqualTo(expected);
    try (CpuBackend cpu = CpuBackends.open(BackendKind.AUTO)) {
      assertThat(cpu.name()).isEqualTo(expected.cliName());
    }
    assertThat(CpuBackends.resolve(BackendKind.JNA)).isEqualTo(BackendKind.JNA);
  }

  @Test
  void thePropertyPinsAuto() {
    System.setProperty(CpuBackends.PROPERTY, "jna");
    assertThat(CpuBackends.resolve(BackendKind.AUTO)).isEqualTo(BackendKind.JNA);
    System.setProperty(CpuBackends.PROPERTY, "bogus");
    assertThatThrownBy(() -> CpuBackends.resolve(BackendKind.AUTO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bogus");
  }

  @Test
  void askingForAnUnavailableFfmSaysWhyInOneLine() {
    String why = CpuBackends.ffmUnavailableReason();
    if (why == null) {
      assertThat(CpuBackends.resolve(BackendKind.FFM)).isEqualTo(BackendKind.FFM);
      return;
    }
    assertThatThrownBy(() -> CpuBackends.open(BackendKind.FFM))
        .isInstanceOf(MachineException.class)
        .hasMessage("--backend ffm is unavailable: " + why + "; use --backend jna");
    assertThat(why).doesNotContain("\n");
  }

  @Test
  void kindsParseInAnyCase() {
    assertThat(BackendKind.parse("FfM")).isEqualTo(BackendKind.FFM);
    assertThat(BackendKind.parse("jna")).isEqualTo(BackendKind.JNA);
    assertThat(BackendKind.parse("auto")).isEqualTo(BackendKind.AUTO);
    assertThatThrownBy(() -> BackendKind.parse("jni"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown backend 'jni': use jna, ffm or auto (the default)");
  }

  @Test
  void prepareIsAHeadStartThatNeverFailsAndLeavesOpenWorking() throws InterruptedException {
    System.setProperty(CpuBackends.PROPERTY, "bogus");
    CpuBackends.prepare(BackendKind.AUTO); // a bad property is open()'s to report, not prepare's
    System.clearProperty(CpuBackends.PROPERTY);
    CpuBackends.prepare(BackendKind.JNA);
    if (CpuBackends.ffmUnavailableReason() != null) {
      CpuBackends.prepare(BackendKind.FFM); // unavailable: nothing to prepare, nothing thrown
      return;
    }
    CpuBackends.prepare(BackendKind.FFM);
    CpuBackends.prepare(BackendKind.FFM); // once per JVM
    // the preparing thread starts the linking threads: wait for it, then for them
    for (String prefix : new String[] {"uvm4j-backend-prepare", "uvm4j-ffm-"}) {
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith(prefix)) {
          assertThat(t.isDaemon()).as(t.getName()).isTrue();
          t.join(60_000);
          assertThat(t.isAlive()).as(t.getName() + " still running after 60 s").isFalse();
        }
      }
    }
    try (CpuBackend cpu = CpuBackends.open(BackendKind.FFM)) {
      assertThat(cpu.name()).isEqualTo("ffm");
    }
  }
}
