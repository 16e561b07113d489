package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The guests check themselves: natively, each exits 0 after printing its report (segv dies of
 * SIGSEGV, hello exits with its argument count), and two runs print the same thing. This is the
 * reference the uvm4j runs are compared with.
 */
class NativeGuestsTest {
  static final java.util.List<String> GUESTS = Guests.ALL;

  @ParameterizedTest
  @FieldSource("GUESTS")
  void eachGuestPassesItsOwnChecksNativelyAndIsDeterministic(String name) throws IOException {
    GuestRun first = Guests.runNatively(Guests.binary(name), Guests.args(name));
    GuestRun second = Guests.runNatively(Guests.binary(name), Guests.args(name));

    int expected =
        switch (name) {
          case "segv" -> 128 + 11;
          case "hello" -> Guests.args(name).size();
          default -> 0;
        };
    assertThat(first.status()).as(first.toString()).isEqualTo(expected);
    assertThat(first.stderr()).as(first.toString()).isEmpty();
    assertThat(first.stdout()).isNotBlank();
    assertThat(second).isEqualTo(first);
  }
}
