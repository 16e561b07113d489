package org.uvm4j.kernel.strace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** strace's quoting: escapes, shortest octal unless a digit follows, truncation marker. */
class StraceTextTest {
  private static String quote(byte[] b, int len, boolean more) {
    StringBuilder sb = new StringBuilder();
    StraceText.quote(sb, b, len, more);
    return sb.toString();
  }

  @Test
  void escapesAsStraceDoes() {
    byte[] b = {0, '\r', 26, '\'', '4', 'A', (byte) 0x82, '"', '\\', '\n', '\t', 0x0b, '\f'};
    assertThat(quote(b, b.length, false)).isEqualTo("\"\\0\\r\\32'4A\\202\\\"\\\\\\n\\t\\v\\f\"");
  }

  @Test
  void octalTakesThreeDigitsBeforeADigit() {
    byte[] b = {1, '7', 1, '8', 0};
    assertThat(quote(b, b.length, false)).isEqualTo("\"\\0017\\18\\0\"");
  }

  @Test
  void truncatedStringsEndWithDots() {
    byte[] b = "0123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(quote(b, 4, true)).isEqualTo("\"0123\"...");
  }
}
