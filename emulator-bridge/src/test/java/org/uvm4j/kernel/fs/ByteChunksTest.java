package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteChunksTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void takesAcrossChunkBoundariesInAnyAmountsAndKeepsTheCount() {
    ByteChunks q = new ByteChunks();
    assertThat(q.take(new byte[4], 0, 4)).as("empty").isZero();
    q.add(b("abc"));
    q.add(b("de"));
    q.add(b("fghij"));
    assertThat(q.size()).isEqualTo(10);

    byte[] buf = new byte[16];
    assertThat(q.take(buf, 1, 2)).isEqualTo(2); // part of the first chunk
    assertThat(new String(buf, 1, 2, StandardCharsets.US_ASCII)).isEqualTo("ab");
    assertThat(q.size()).isEqualTo(8);

    assertThat(q.take(buf, 0, 5)).isEqualTo(5); // rest of the first, all of the second, one more
    assertThat(new String(buf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("cdefg");
    assertThat(q.size()).isEqualTo(3);

    q.add(b("k"));
    assertThat(q.take(buf, 0, 16)).as("more asked than buffered").isEqualTo(4);
    assertThat(new String(buf, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("hijk");
    assertThat(q.size()).isZero();
    assertThat(q.take(buf, 0, 16)).isZero();
  }
}
