package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guest's CLOCK_REALTIME as a user meets it (the {@code wall_clock} guest, which checks that
 * clock_gettime, gettimeofday, time and a new file's mtime agree and that realtime advances with
 * the monotonic clock): by default it starts at the host's wall clock; with {@code --deterministic}
 * at 2024-01-01T00:00:00Z, so that such runs repeat; {@code --clock-start} sets it either way.
 */
class WallClockCliTest {
  private static final long FIXED_START = 1_704_067_200L; // 2024-01-01T00:00:00Z

  private static long startedAt(String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(List.of(options));
    args.add(Guests.binary("wall_clock").toString());
    args.add("-p");
    GuestRun r = Uvm4jRuns.cli(args);
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.stderr()).as(r.toString()).isEmpty();
    String last = r.stdout().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).as(r.toString()).startsWith("started at ");
    return Long.parseLong(last.substring("started at ".length()));
  }

  @Test
  void realtimeStartsAtTheHostsWallClock() throws IOException {
    long before = System.currentTimeMillis() / 1000;
    long started = startedAt();
    long after = System.currentTimeMillis() / 1000;
    assertThat(started).isBetween(before, after);
  }

  @Test
  void deterministicRunsStartAtAFixedInstantUnlessToldOtherwise() throws IOException {
    // a deterministic run is a few virtual milliseconds old when the guest reads the clock
    assertThat(startedAt("--deterministic")).isEqualTo(FIXED_START);
    long before = System.currentTimeMillis() / 1000;
    long started = startedAt("--deterministic", "--clock-start", "now");
    assertThat(started).isBetween(before, System.currentTimeMillis() / 1000);
  }

  @Test
  void clockStartSetsTheFirstReading() throws IOException {
    assertThat(startedAt("--clock-start", "@1600000000")).isEqualTo(1_600_000_000L);
    assertThat(startedAt("--clock-start", "2021-02-03T04:05:06Z")).isEqualTo(1_612_325_106L);
  }

  @Test
  void aBadClockStartIsAUsageError() throws IOException {
    GuestRun r =
        Uvm4jRuns.cli(List.of("run", "--clock-start", "soon", Guests.binary("hello").toString()));
    assertThat(r.status()).as(r.toString()).isEqualTo(125);
    assertThat(r.stderr()).contains("'soon' is not a clock start");
  }
}
