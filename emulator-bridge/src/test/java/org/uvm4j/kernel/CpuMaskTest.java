package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.CpuMasks.mask;

import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** CPU masks: the user-space byte layout, set operations and Linux's two printed forms. */
class CpuMaskTest {
  @Test
  void bytesAreLittleEndianWordsOfBits() {
    CpuMask m = mask(0, 9, 64);
    assertThat(m.toBytes(16)).containsExactly(1, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
    assertThat(m.toBytes(8)).containsExactly(1, 2, 0, 0, 0, 0, 0, 0);
    assertThat(CpuMask.fromBytes(new byte[] {1, 2, 0, 0, 0, 0, 0, 0, 1}, 9)).isEqualTo(m);
    assertThat(CpuMask.fromBytes(new byte[] {1, 2, 0, 0, 0, 0, 0, 0, 1}, 8)).isEqualTo(mask(0, 9));
    assertThat(CpuMask.fromBytes(new byte[] {(byte) 0x80}, 1)).isEqualTo(mask(7));
    byte[] huge = new byte[4096];
    java.util.Arrays.fill(huge, (byte) 0xff);
    assertThat(CpuMask.fromBytes(huge, huge.length)).isEqualTo(CpuMask.first(1024));
  }

  @Test
  void setOperations() {
    CpuMask m = mask(1, 3, 70);
    assertThat(m.contains(3)).isTrue();
    assertThat(m.contains(2)).isFalse();
    assertThat(m.contains(-1)).isFalse();
    assertThat(m.contains(5000)).isFalse();
    assertThat(m.lowest()).isEqualTo(1);
    assertThat(m.nextFrom(2)).isEqualTo(3);
    assertThat(m.nextFrom(4)).isEqualTo(70);
    assertThat(m.nextFrom(71)).isEqualTo(-1);
    assertThat(m.count()).isEqualTo(3);
    assertThat(m.and(CpuMask.first(4))).isEqualTo(mask(1, 3));
    assertThat(m.and(mask(0)).isEmpty()).isTrue();
    assertThat(mask().lowest()).isEqualTo(-1);
  }

  @Test
  void printedAsLinuxPrintsMasks() {
    assertThat(CpuMask.first(2).toList()).isEqualTo("0-1");
    assertThat(mask(0, 1, 2, 3, 5, 7, 8).toList()).isEqualTo("0-3,5,7-8");
    assertThat(mask(4).toList()).isEqualTo("4");
    assertThat(mask().toList()).isEmpty();
    // %*pb of nr_cpu_ids bits, as /proc/PID/status's Cpus_allowed on hosts of those sizes
    assertThat(CpuMask.first(2).toHex(2)).isEqualTo("3");
    assertThat(mask(1).toHex(4)).isEqualTo("2");
    assertThat(CpuMask.first(8).toHex(8)).isEqualTo("ff");
    assertThat(mask(0).toHex(12)).isEqualTo("001");
    assertThat(CpuMask.first(32).toHex(32)).isEqualTo("ffffffff");
    assertThat(mask(32).toHex(64)).isEqualTo("00000001,00000000");
    assertThat(mask(0, 35).toHex(36)).isEqualTo("8,00000001");
  }

  /** A set of CPUs survives the round trip through user-space bytes and the list form. */
  @Property
  void bytesAndListRoundTrip(
      @ForAll @Size(max = 20) java.util.Set<@IntRange(min = 0, max = 1023) Integer> cpus) {
    CpuMask m = mask(cpus.stream().mapToInt(Integer::intValue).toArray());
    assertThat(CpuMask.fromBytes(m.toBytes(128), 128)).isEqualTo(m);
    assertThat(m.count()).isEqualTo(cpus.size());
    TreeSet<Integer> parsed = new TreeSet<>();
    if (!m.toList().isEmpty()) {
      for (String part : m.toList().split(",")) {
        String[] r = part.split("-");
        int from = Integer.parseInt(r[0]);
        int to = r.length == 2 ? Integer.parseInt(r[1]) : from;
        assertThat(to).isGreaterThanOrEqualTo(from);
        for (int c = from; c <= to; c++) {
          parsed.add(c);
        }
      }
    }
    assertThat(parsed).isEqualTo(new TreeSet<>(cpus));
    assertThat(m.lowest()).isEqualTo(cpus.isEmpty() ? -1 : parsed.first());
  }
}
