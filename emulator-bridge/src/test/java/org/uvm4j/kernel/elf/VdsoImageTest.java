package org.uvm4j.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vDSO image read back as the C libraries read it: the ELF and program headers, the dynamic
 * section, a SysV hash lookup of every exported name (glibc's {@code _dl_lookup_symbol_x} walk),
 * the version check (musl's {@code checkver}, glibc's {@code VDSO_HASH}) and each function's code.
 */
class VdsoImageTest {
  private final ByteBuffer b = ByteBuffer.wrap(VdsoImage.build()).order(ByteOrder.LITTLE_ENDIAN);

  @Test
  void isAnX8664SharedObjectOfTwoPagesWithALoadAndADynamicSegment() {
    assertThat(b.capacity()).isEqualTo(0x2000);
    assertThat(b.getInt(0)).isEqualTo(0x464c457f);
    assertThat(b.get(4)).isEqualTo((byte) 2); // ELFCLASS64
    assertThat(b.getShort(16)).isEqualTo((short) 3); // ET_DYN
    assertThat(b.getShort(18)).isEqualTo((short) 62); // EM_X86_64
    assertThat(b.getShort(56)).isEqualTo((short) 2);
    assertThat(b.getInt(64)).isEqualTo(1); // PT_LOAD
    assertThat(b.getLong(64 + 16)).as("linked at 0").isZero();
    assertThat(b.getInt(64 + 4)).as("R+X").isEqualTo(5);
    assertThat(b.getInt(64 + 56)).isEqualTo(2); // PT_DYNAMIC
  }

  @Test
  void glibcsVersionHashOfLinux26() {
    assertThat(VdsoImage.elfHash("LINUX_2.6")).isEqualTo(61765110L); // glibc's VDSO_HASH
    assertThat(VdsoImage.elfHash("")).isZero();
  }

  @Test
  void everyExportIsFoundThroughTheHashTableInVersionLinux26() {
    Map<Long, Long> dyn = dynamic();
    long strtab = dyn.get(5L);
    long symtab = dyn.get(6L);
    long hash = dyn.get(4L);
    assertThat(string(strtab + dyn.get(14L))).isEqualTo("linux-vdso.so.1");
    for (String f : VdsoImage.FUNCTIONS.keySet()) {
      long prefixed = lookup(hash, symtab, strtab, "__vdso_" + f);
      long alias = lookup(hash, symtab, strtab, f);
      assertThat(prefixed).as(f).isPositive();
      assertThat(alias).as("the weak alias is the same code").isEqualTo(prefixed);
      int idx = symbolIndex(hash, symtab, strtab, "__vdso_" + f);
      assertThat(version(dyn, idx)).isEqualTo("LINUX_2.6");
      assertThat(b.get((int) symtab + idx * 24 + 4) >> 4).as("global").isEqualTo(1);
      // mov $nr, %eax; syscall; ret
      int at = (int) prefixed;
      assertThat(b.get(at) & 0xff).isEqualTo(0xb8);
      assertThat(b.getInt(at + 1)).isEqualTo(VdsoImage.FUNCTIONS.get(f));
      assertThat(b.get(at + 5) & 0xff).isEqualTo(0x0f);
      assertThat(b.get(at + 6) & 0xff).isEqualTo(0x05);
      assertThat(b.get(at + 7) & 0xff).isEqualTo(0xc3);
    }
    assertThat(lookup(hash, symtab, strtab, "__vdso_getrandom")).isEqualTo(-1);
  }

  private Map<Long, Long> dynamic() {
    int at = (int) b.getLong(64 + 56 + 8);
    Map<Long, Long> d = new HashMap<>();
    for (; b.getLong(at) != 0; at += 16) {
      d.put(b.getLong(at), b.getLong(at + 8));
    }
    return d;
  }

  private String string(long at) {
    int end = (int) at;
    while (b.get(end) != 0) {
      end++;
    }
    return new String(b.array(), (int) at, end - (int) at, StandardCharsets.US_ASCII);
  }

  private int symbolIndex(long hash, long symtab, long strtab, String name) {
    int nbucket = b.getInt((int) hash);
    int bucket = (int) (VdsoImage.elfHash(name) % nbucket);
    for (int i = b.getInt((int) hash + 8 + 4 * bucket);
        i != 0;
        i = b.getInt((int) hash + 8 + 4 * nbucket + 4 * i)) {
      if (string(strtab + b.getInt((int) symtab + 24 * i)).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private long lookup(long hash, long symtab, long strtab, String name) {
    int i = symbolIndex(hash, symtab, strtab, name);
    if (i < 0) {
      return -1;
    }
    assertThat(b.getShort((int) symtab + 24 * i + 6)).as("defined").isNotZero();
    return b.getLong((int) symtab + 24 * i + 8);
  }

  /** musl's checkver: the name of the non-base verdef whose index the symbol's versym holds. */
  private String version(Map<Long, Long> dyn, int sym) {
    int ndx = b.getShort((int) (long) dyn.get(0x6ffffff0L) + 2 * sym) & 0x7fff;
    int def = (int) (long) dyn.get(0x6ffffffcL);
    for (; ; ) {
      if ((b.getShort(def + 2) & 1) == 0 && (b.getShort(def + 4) & 0x7fff) == ndx) {
        assertThat(Integer.toUnsignedLong(b.getInt(def + 8)))
            .isEqualTo(VdsoImage.elfHash("LINUX_2.6"));
        return string(dyn.get(5L) + b.getInt(def + b.getInt(def + 12)));
      }
      if (b.getInt(def + 16) == 0) {
        return null;
      }
      def += b.getInt(def + 16);
    }
  }
}
