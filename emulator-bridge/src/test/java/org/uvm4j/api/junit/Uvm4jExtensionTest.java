package org.uvm4j.api.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.TestGuests;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The extension through the JUnit engine itself: the fixture classes below (nested, so the build
 * does not run them on their own) pass, fail or are skipped, and the events say how and why.
 */
class Uvm4jExtensionTest {
  /** Runs one fixture class on the Jupiter engine. */
  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(fixture))
        .execute()
        .testEvents();
  }

  /** Runners handed to the fixtures, to check that each invocation got its own. */
  static final List<Uvm4jRunner> handed = new ArrayList<>();

  @Uvm4jTest(ram = 16L << 20, failureTrace = 8)
  static class CleanRuns {
    @Test
    void forkWriteOne(Uvm4jRunner uvm4j) throws Exception {
      handed.add(uvm4j);
      GuestResult r = uvm4j.guest(TestGuests.guest("fork_write_one")).run();
      assertThat(r.status()).isZero();
      assertThat(r.uvmCounter("npages")).isBetween(4000L, 4096L);
      assertThat(r.trace()).hasSizeLessThanOrEqualTo(8);
      assertThat(uvm4j.results()).containsExactly(r);
    }

    @Test
    void helloTwice(Uvm4jRunner uvm4j) throws Exception {
      handed.add(uvm4j);
      uvm4j.guest(TestGuests.guest("hello")).run();
      uvm4j.guest(TestGuests.guest("hello")).run();
      assertThat(uvm4j.results()).hasSize(2);
    }
  }

  @Test
  void cleanRunsPassAndEachTestGetsItsOwnRunner() {
    handed.clear();
    run(CleanRuns.class).assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    assertThat(handed).hasSize(2);
    assertThat(handed.get(0)).isNotSameAs(handed.get(1));
  }

  @Uvm4jTest
  static class LeakyRun {
    @Test
    void leaksAnAmapAfterTheGuestExited(Uvm4jRunner uvm4j) throws Exception {
      // an amap nobody references, made after the guest is gone: the audit must name it
      uvm4j
          .guest(TestGuests.guest("hello"))
          .attach(k -> () -> Amap.alloc(Vmspace.services(k.uvm()), 4096, 0, false))
          .run();
    }
  }

  @Test
  void aRunWhoseAuditFindsAProblemFailsTheTestWithTheProblemAndTheTrace() {
    Events events = run(LeakyRun.class);
    events.assertStatistics(s -> s.started(1).failed(1));
    events
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("leaksAnAmapAfterTheGuestExited"),
                finishedWithFailure(
                    message(
                        m ->
                            m.startsWith("system audit after the guest runs:")
                                && m.contains("run 1 (status 0)")
                                && m.contains("amap")))));
    Throwable failure =
        events.failed().stream()
            .findFirst()
            .orElseThrow()
            .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
            .getThrowable()
            .orElseThrow();
    assertThat(failure.getSuppressed())
        .singleElement()
        .satisfies(t -> assertThat(t.getMessage()).contains("trace records").contains("\"type\""));
  }

  @Uvm4jTest(failureTrace = 8)
  static class FailingAssertion {
    @Test
    void failsAfterARun(Uvm4jRunner uvm4j) throws Exception {
      GuestResult r = uvm4j.guest(TestGuests.guest("fork_write_one")).run();
      assertThat(r.status()).isEqualTo(42);
    }
  }

  @Test
  void aFailingTestGetsTheLastRunsTraceAttached() {
    Events events = run(FailingAssertion.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable failure =
        events.failed().stream()
            .findFirst()
            .orElseThrow()
            .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
            .getThrowable()
            .orElseThrow();
    assertThat(failure).isInstanceOf(AssertionError.class);
    assertThat(failure.getSuppressed())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getMessage())
                    .startsWith("the last 8 trace records of the last guest run (status 0")
                    .contains("earlier ones dropped"));
  }

  @Uvm4jTest
  static class MissingGuest {
    @Test
    void runsAGuestThatIsNotThere(Uvm4jRunner uvm4j) throws Exception {
      uvm4j.guest(Path.of("/nonexistent/uvm4j-guest")).run();
    }
  }

  @Test
  void aMissingGuestBinarySkipsTheTestWithOneClearMessage() {
    Events events = run(MissingGuest.class);
    events.assertStatistics(s -> s.aborted(1).failed(0));
    events
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("runsAGuestThatIsNotThere"),
                abortedWithReason(
                    message(
                        "Assumption failed: uvm4j: guest binary missing: /nonexistent/uvm4j-guest"
                            + " (build the guests with 'make guests')"))));
  }

  @org.junit.jupiter.api.extension.ExtendWith(Uvm4jExtension.class)
  static class ExtendWithOnly {
    @Test
    void getsTheDefaults(Uvm4jRunner uvm4j) {
      handed.add(uvm4j);
    }
  }

  @Test
  void withoutTheAnnotationTheDefaultsApply() {
    handed.clear();
    run(ExtendWithOnly.class).assertStatistics(s -> s.succeeded(1));
    assertThat(handed.get(0).config().ram()).isEqualTo(64L << 20);
    assertThat(handed.get(0).config().failureTrace()).isEqualTo(64);
  }
}
