package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.machine.backend.BackendKind;

/** Which binding gets the head start, read off the arguments before picocli parses them. */
class BackendHeadStartTest {
  private static BackendKind kind(String... args) {
    return BackendHeadStart.kindFor(args);
  }

  @Test
  void aRunWithoutBackendPreparesTheDefault() {
    assertThat(kind("run", "hello")).isEqualTo(BackendKind.AUTO);
    assertThat(kind("run", "--stats", "--ram", "64M", "hello", "a", "b"))
        .isEqualTo(BackendKind.AUTO);
  }

  @Test
  void backendIsReadInBothSpellingsAndTheLastOneCounts() {
    assertThat(kind("run", "--backend", "jna", "hello")).isEqualTo(BackendKind.JNA);
    assertThat(kind("run", "--backend=FFM", "hello")).isEqualTo(BackendKind.FFM);
    assertThat(kind("run", "--backend", "jna", "--backend=ffm", "hello"))
        .isEqualTo(BackendKind.FFM);
  }

  @Test
  void onlyRunOpensAnEngine() {
    assertThat(kind()).isNull();
    assertThat(kind("--version")).isNull();
    assertThat(kind("--help", "run")).isNull();
  }

  @Test
  void anUnknownOrMissingBackendLeavesTheErrorToTheParser() {
    assertThat(kind("run", "--backend", "jni", "hello")).isNull();
    assertThat(kind("run", "--backend")).isEqualTo(BackendKind.AUTO);
  }
}
