package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The start-up cache's training run repeats a plain {@code run} on JNA, and nothing else does. */
class AotTrainingTest {
  @AfterEach
  void clear() {
    System.clearProperty(AotTraining.PROPERTY);
  }

  @Test
  void outsideATrainingRunNothingIsRerun() {
    List<String[]> ran = new ArrayList<>();
    String[] args = {"run", "hello"};
    assertThat(AotTraining.alsoOnJna(args, 3, a -> ran.add(a) ? 0 : 1)).isEqualTo(3);
    assertThat(ran).isEmpty();
  }

  @Test
  void aTrainingRunRepeatsTheRunOnJnaAndKeepsTheFirstStatus() {
    System.setProperty(AotTraining.PROPERTY, "true");
    List<String[]> ran = new ArrayList<>();
    String[] args = {"run", "--ram", "32M", "hello", "arg"};
    assertThat(AotTraining.alsoOnJna(args, 3, a -> ran.add(a) ? 0 : 1)).isEqualTo(3);
    assertThat(ran).hasSize(1);
    assertThat(ran.get(0))
        .containsExactly("run", "--backend", "jna", "--ram", "32M", "hello", "arg");
  }

  @Test
  void aTrainingRunThatNamesABindingOrIsNoRunIsNotRepeated() {
    System.setProperty(AotTraining.PROPERTY, "true");
    assertThat(AotTraining.jnaRerun(new String[] {"run", "--backend", "ffm", "hello"})).isNull();
    assertThat(AotTraining.jnaRerun(new String[] {"run", "--backend=jna", "hello"})).isNull();
    assertThat(AotTraining.jnaRerun(new String[] {"--version"})).isNull();
    assertThat(AotTraining.jnaRerun(new String[] {"run"})).isNull();
  }
}
