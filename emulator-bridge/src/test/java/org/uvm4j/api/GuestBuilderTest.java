package org.uvm4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.trace.FaultRecord;
import org.uvm4j.uvm.trace.MapsReport.EntryReport;
import org.uvm4j.uvm.trace.ProcRecord;
import org.uvm4j.uvm.trace.TraceRecord;

/** The Java API on real guests: what a run returns, what it records, how it fails. */
class GuestBuilderTest {
  private static final long REGION = 0x20000000L;

  @Test
  void helloReturnsItsArgumentCountOutputAndCountersAndIsAudited() throws Exception {
    GuestResult r =
        Uvm4j.guest(TestGuests.guest("hello")).args("one", "two words").ram(16L << 20).run();

    assertThat(r.status()).as(r.toString()).isEqualTo(2);
    assertThat(r.exited()).isTrue();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.signal()).isZero();
    assertThat(r.stdout()).contains("two words");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.uvmCounter("faults")).isPositive();
    // every frame of the 16 MiB but the kernel's reserved ones
    assertThat(r.uvmCounter("npages")).isBetween(4000L, 4096L);
    assertThat(r.kernelCounters()).containsKey("execs");
    assertThat(r.statsLines()).first().asString().startsWith("npages ");
    assertThat(r.statsLines()).anyMatch(l -> l.startsWith("kern_"));
    assertThat(r.audited()).isTrue();
    assertThat(r.auditProblems()).isEmpty();
    assertThatThrownBy(r::trace).hasMessageContaining("GuestBuilder.trace()");
    assertThatThrownBy(r::maps).hasMessageContaining("GuestBuilder.maps()");
    assertThatThrownBy(() -> r.uvmCounter("nope")).hasMessageContaining("no UVM counter 'nope'");
  }

  @Test
  void argv0EnvironmentAndStdinReachTheGuest() throws Exception {
    GuestResult r =
        Uvm4j.guest(TestGuests.guest("echo_args"))
            .argv0("greeter")
            .args("x", "y z")
            .env("GUEST_B", "2")
            .env(java.util.Map.of("GUEST_A", "1"))
            .env("OTHER", "not printed")
            .stdin("line one\nline two\n")
            .run();

    assertThat(r.stdout())
        .isEqualTo(
            "argv[0]=greeter\nargv[1]=x\nargv[2]=y z\nenv GUEST_A=1\nenv GUEST_B=2\n"
                + "line one\nline two\n");
    assertThat(r.status()).isZero();
  }

  @Test
  void aGuestKilledBySignalReportsTheSignalNotAnExitCode() throws Exception {
    GuestResult r = Uvm4j.guest(TestGuests.guest("segv")).run();

    assertThat(r.status()).isEqualTo(128 + 11);
    assertThat(r.exited()).isFalse();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.signal()).isEqualTo(11);
    assertThat(r.auditProblems()).isEmpty();
  }

  @Test
  void theChildOfForkWriteOneCopiesExactlyOnePageAndSharesTheOtherSeven() throws Exception {
    GuestResult r = Uvm4j.guest(TestGuests.guest("fork_write_one")).trace().maps().run();

    assertThat(r.status()).as(r.toString()).isZero();
    List<FaultRecord> cow = new ArrayList<>();
    for (FaultRecord f : r.trace(FaultRecord.class)) {
      if (f.pid() == 2 && f.va() >= REGION && f.va() < REGION + 8 * 4096 && f.isKind("cow")) {
        cow.add(f);
      }
    }
    assertThat(cow).hasSize(1);
    assertThat(cow.get(0).va()).isEqualTo(REGION + 3 * 4096);
    assertThat(r.trace(ProcRecord.class)).isNotEmpty();
    // the child's map at its exit: its own amap (copied at the write), 8 anons of which the 7 it
    // did not write are still shared with the parent's amap
    EntryReport child = r.mapsAtExit(2).entryAt(REGION);
    assertThat(child.anon()).isEqualTo(8);
    assertThat(child.shared()).isEqualTo(7);
    EntryReport parent = r.mapsAtExit(1).entryAt(REGION);
    assertThat(parent.anon()).isEqualTo(8);
    assertThat(parent.shared()).as("the child is gone: nothing shared any more").isZero();
    assertThat(r.mapsAtExit(2).text()).startsWith("maps of pid 2").contains("20000000-");
  }

  @Test
  void traceTailKeepsOnlyTheLastRecordsAndCountsTheRest() throws Exception {
    GuestResult all = Uvm4j.guest(TestGuests.guest("fork_write_one")).trace().run();
    GuestResult tail = Uvm4j.guest(TestGuests.guest("fork_write_one")).traceTail(5).run();

    assertThat(all.trace().size()).isGreaterThan(5);
    assertThat(tail.trace()).hasSize(5);
    assertThat(tail.traceDropped()).isEqualTo(all.trace().size() - 5);
    List<TraceRecord> last = all.trace().subList(all.trace().size() - 5, all.trace().size());
    assertThat(tail.trace())
        .extracting(TraceRecord::type)
        .isEqualTo(last.stream().map(TraceRecord::type).toList());
  }

  @Test
  void traceFilterKeepsOnlyMatchingRecords() throws Exception {
    GuestResult r =
        Uvm4j.guest(TestGuests.guest("fork_write_one")).trace().traceFilter("kind=cow").run();

    assertThat(r.trace()).isNotEmpty().allMatch(t -> t.isKind("cow"));
  }

  @Test
  void straceAndSummaryAreCapturedAsText() throws Exception {
    GuestResult r = Uvm4j.guest(TestGuests.guest("fork_write_one")).strace().summary().run();

    assertThat(r.strace()).contains("fork_write_one: parent filled").contains("+++ exited with 0");
    assertThat(r.summary()).isNotBlank();
  }

  @Test
  void eachObserverSeesTheResultAndOneBuilderRunsTwiceOnFreshMachines() throws Exception {
    List<GuestResult> seen = new ArrayList<>();
    GuestBuilder b = Uvm4j.guest(TestGuests.guest("hello")).observe(seen::add);

    GuestResult first = b.run();
    GuestResult second = b.run();

    assertThat(seen).containsExactly(first, second);
    assertThat(second.kernel()).isNotSameAs(first.kernel());
    assertThat(second.stdout()).isEqualTo(first.stdout());
  }

  @Test
  void aMissingProgramIs127WithTheKernelsCounters(@TempDir Path dir) {
    List<GuestResult> seen = new ArrayList<>();
    assertThatThrownBy(() -> Uvm4j.guest(dir.resolve("nope")).observe(seen::add).run())
        .isInstanceOfSatisfying(
            Uvm4jException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(127);
              assertThat(e.getMessage()).contains("nope");
              assertThat(e.partialResult()).isNotNull();
              assertThat(e.partialResult().audited()).isFalse();
            });
    assertThat(seen).hasSize(1);
  }

  @Test
  void aDirectoryIsNotExecutable126(@TempDir Path dir) {
    assertThatThrownBy(() -> Uvm4j.guest(dir).run())
        .isInstanceOfSatisfying(Uvm4jException.class, e -> assertThat(e.exitCode()).isEqualTo(126));
  }

  @Test
  void badRamIs125BeforeAnyKernelExists() {
    Path hello = TestGuests.guest("hello");
    assertThatThrownBy(() -> Uvm4j.guest(hello).ram(12345).run())
        .isInstanceOfSatisfying(
            Uvm4jException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(125);
              assertThat(e.getMessage()).contains("4 KiB pages");
              assertThat(e.partialResult()).isNull();
            });
    assertThatThrownBy(() -> Uvm4j.guest(hello).ram(4096).run())
        .isInstanceOfSatisfying(
            Uvm4jException.class, e -> assertThat(e.getMessage()).contains("RAM must be"));
  }

  @Test
  void anInstructionLimitIs124WithThePartialCounters() {
    assertThatThrownBy(
            () -> Uvm4j.guest(TestGuests.guest("spin_forever")).maxInstructions(100_000).run())
        .isInstanceOfSatisfying(
            Uvm4jException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(124);
              assertThat(e.partialResult().uvmCounter("faults")).isPositive();
            });
  }

  @Test
  void badEnvironmentNamesAreRefused() {
    GuestBuilder b = Uvm4j.guest(Path.of("x"));
    assertThatThrownBy(() -> b.env("A=B", "c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.env("", "c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxInstructions(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
