package org.uvm4j.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackImageTest {
  private static final long TOP = 0x7fff_ffff_f000L;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String cstr(StackImage img, long va) {
    int at = (int) (va - img.base());
    int end = at;
    while (img.bytes()[end] != 0) {
      end++;
    }
    return new String(img.bytes(), at, end - at, StandardCharsets.UTF_8);
  }

  @Test
  void layoutMatchesTheLinuxStartupConvention() {
    byte[] rnd = new byte[16];
    for (int i = 0; i < 16; i++) {
      rnd[i] = (byte) (i + 100);
    }
    StackImage img =
        StackImage.build(
            TOP,
            List.of(b("prog"), b("a1"), b("")),
            List.of(b("HOME=/"), b("X=y")),
            b("/bin/prog"),
            rnd,
            new long[] {Auxv.AT_PAGESZ, 4096, Auxv.AT_ENTRY, 0x401000});
    assertThat(img.sp() & 15).isZero();
    assertThat(img.base() + img.bytes().length).isEqualTo(TOP);
    ByteBuffer bb = ByteBuffer.wrap(img.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int o = (int) (img.sp() - img.base());
    assertThat(bb.getLong(o)).isEqualTo(3);
    assertThat(cstr(img, bb.getLong(o + 8))).isEqualTo("prog");
    assertThat(cstr(img, bb.getLong(o + 16))).isEqualTo("a1");
    assertThat(cstr(img, bb.getLong(o + 24))).isEmpty();
    assertThat(bb.getLong(o + 32)).isZero();
    assertThat(cstr(img, bb.getLong(o + 40))).isEqualTo("HOME=/");
    assertThat(cstr(img, bb.getLong(o + 48))).isEqualTo("X=y");
    assertThat(bb.getLong(o + 56)).isZero();
    long[] aux = new long[10];
    for (int i = 0; i < 10; i++) {
      aux[i] = bb.getLong(o + 64 + i * 8);
    }
    assertThat(aux)
        .containsExactly(
            Auxv.AT_PAGESZ,
            4096,
            Auxv.AT_ENTRY,
            0x401000,
            Auxv.AT_RANDOM,
            img.randomAddress(),
            Auxv.AT_EXECFN,
            img.execfnAddress(),
            Auxv.AT_NULL,
            0);
    assertThat(cstr(img, img.execfnAddress())).isEqualTo("/bin/prog");
    int r = (int) (img.randomAddress() - img.base());
    for (int i = 0; i < 16; i++) {
      assertThat(img.bytes()[r + i]).isEqualTo((byte) (i + 100));
    }
    // the strings lie above the pointer tables and below the 8-byte end marker
    assertThat(img.execfnAddress() + "/bin/prog".length() + 1).isEqualTo(TOP - 8);
    assertThat(img.randomAddress()).isGreaterThan(img.sp() + 64 + 80 - 1);
  }

  @Test
  void spIsAlignedForEveryArgumentCount() {
    for (int n = 0; n < 9; n++) {
      List<byte[]> argv = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        argv.add(b("x".repeat(i)));
      }
      StackImage img = StackImage.build(TOP, argv, List.of(), b("p"), new byte[16], new long[0]);
      assertThat(img.sp() & 15).as("argc %d", n).isZero();
      assertThat(ByteBuffer.wrap(img.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(0))
          .isEqualTo(n);
    }
  }

  @Test
  void countsStringBytesWithTheirTerminators() {
    assertThat(StackImage.stringBytes(List.of(b("ab"), b("")), List.of(b("A=1"))))
        .isEqualTo(3 + 1 + 4);
  }
}
