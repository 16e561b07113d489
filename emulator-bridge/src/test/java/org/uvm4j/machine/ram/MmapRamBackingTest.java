package org.uvm4j.machine.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.host.ForwardingHostLibc;
import org.uvm4j.machine.host.HostCallException;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.TestHostLibcs;

/**
 * The emulated RAM's host mappings: lazy, huge-page advised on request, all unmapped at close; a
 * refused mmap is one clear error. Through each host libc binding ({@link TestHostLibcs#ALL}).
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.host.TestHostLibcs#ALL")
class MmapRamBackingTest {
  private static final int REGION = 64 << 20;

  private final HostLibc libc;

  MmapRamBackingTest(String binding) {
    libc = TestHostLibcs.of(binding);
  }

  /** The {@code VmFlags} of the host mapping that starts at {@code addr}, from /proc/self/smaps. */
  private static List<String> vmFlags(long addr) throws IOException {
    String start = Long.toHexString(addr) + "-";
    boolean in = false;
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      if (!line.isEmpty()
          && Character.isLetterOrDigit(line.charAt(0))
          && line.contains("-")
          && line.indexOf(' ') > line.indexOf('-')) {
        in = line.startsWith(start);
      } else if (in && line.startsWith("VmFlags:")) {
        return List.of(line.substring("VmFlags:".length()).trim().split("\\s+"));
      }
    }
    throw new AssertionError("no mapping at 0x" + Long.toHexString(addr) + " in /proc/self/smaps");
  }

  private static long address(ByteBuffer b) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(b));
  }

  private static boolean hostHasThp() throws IOException {
    Path p = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    return Files.isReadable(p) && !Files.readString(p).contains("[never]");
  }

  @Test
  void regionsAreAdvisedHugePagesUnlessTurnedOff() throws IOException {
    assumeTrue(hostHasThp(), "the host has no transparent huge pages");
    try (MmapRamBacking huge = new MmapRamBacking(true, libc);
        MmapRamBacking small = new MmapRamBacking(false, libc)) {
      ByteBuffer h = huge.allocateRegion(REGION);
      ByteBuffer s = small.allocateRegion(REGION);
      assertThat(vmFlags(address(h))).contains("hg", "nr");
      assertThat(vmFlags(address(s))).contains("nr").doesNotContain("hg");
      h.put(0, (byte) 1);
      s.put(REGION - 1, (byte) 2);
      assertThat(h.get(0)).isEqualTo((byte) 1);
      assertThat(h.get(REGION - 1)).isZero(); // untouched memory reads as zero
      assertThat(s.get(REGION - 1)).isEqualTo((byte) 2);
    }
  }

  @Test
  void thePropertyTurnsTheAdviceOff() throws IOException {
    assumeTrue(hostHasThp(), "the host has no transparent huge pages");
    String saved = System.getProperty(MmapRamBacking.HUGE_PAGES_PROPERTY);
    try {
      System.setProperty(MmapRamBacking.HUGE_PAGES_PROPERTY, "false");
      try (MmapRamBacking b = new MmapRamBacking(libc)) {
        assertThat(vmFlags(address(b.allocateRegion(REGION)))).doesNotContain("hg");
      }
      System.clearProperty(MmapRamBacking.HUGE_PAGES_PROPERTY);
      try (MmapRamBacking b = new MmapRamBacking(libc)) {
        assertThat(vmFlags(address(b.allocateRegion(REGION)))).contains("hg");
      }
    } finally {
      if (saved == null) {
        System.clearProperty(MmapRamBacking.HUGE_PAGES_PROPERTY);
      } else {
        System.setProperty(MmapRamBacking.HUGE_PAGES_PROPERTY, saved);
      }
    }
  }

  @Test
  void closeUnmapsEveryRegionAndRefusesMore() throws IOException {
    MmapRamBacking b = new MmapRamBacking(true, libc);
    long a1 = address(b.allocateRegion(REGION));
    b.allocateRegion(REGION);
    assertThat(b.regions()).isEqualTo(2);
    assertThat(b.mappedBytes()).isEqualTo(2L * REGION);
    b.close();
    assertThat(b.regions()).isZero();
    assertThatThrownBy(() -> vmFlags(a1)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> b.allocateRegion(REGION))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void badRegionSizesAreRefused() {
    try (MmapRamBacking b = new MmapRamBacking(false, libc)) {
      assertThatThrownBy(() -> b.allocateRegion(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.allocateRegion(4097))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bad region size");
    }
  }

  @Test
  void aRefusedMmapIsOneClearErrorWithTheHostsErrno() {
    // without MAP_ANONYMOUS the mapping needs a file, and -1 is none: the host says EBADF
    HostLibc fileless =
        new ForwardingHostLibc(libc) {
          @Override
          public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
            return super.mmap(addr, length, prot, flags & ~HostLibc.MAP_ANONYMOUS, fd, offset);
          }
        };
    try (MmapRamBacking b = new MmapRamBacking(false, fileless)) {
      assertThatThrownBy(() -> b.allocateRegion(REGION))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot reserve " + REGION + " bytes")
          .hasMessageContaining("mmap: [9] ")
          .hasMessageEndingWith("; use a smaller --ram")
          .cause()
          .isInstanceOfSatisfying(HostCallException.class, e -> assertThat(e.errno()).isEqualTo(9));
      assertThat(b.regions()).isZero();
    }
  }

  @Test
  void aRefusedHugePageAdviceLeavesAUsableRegion() throws IOException {
    // an unaligned start: the host refuses the advice (EINVAL), as one without THP does
    HostLibc refusing =
        new ForwardingHostLibc(libc) {
          @Override
          public void madvise(long addr, long length, int advice) {
            super.madvise(addr + 1, length, advice);
          }
        };
    try (MmapRamBacking b = new MmapRamBacking(true, refusing)) {
      ByteBuffer r = b.allocateRegion(REGION);
      assertThat(vmFlags(address(r))).contains("nr").doesNotContain("hg");
      r.put(REGION - 1, (byte) 7);
      assertThat(r.get(REGION - 1)).isEqualTo((byte) 7);
    }
  }

  @Test
  void aFailedMunmapAtCloseIsReportedAfterTheOthersAreUnmapped() throws IOException {
    long[] refused = new long[1];
    HostLibc failingFirst =
        new ForwardingHostLibc(libc) {
          @Override
          public void munmap(long addr, long length) {
            if (refused[0] == 0) {
              refused[0] = addr;
              super.munmap(addr + 1, length); // EINVAL
            } else {
              super.munmap(addr, length);
            }
          }
        };
    MmapRamBacking b = new MmapRamBacking(false, failingFirst);
    long a1 = address(b.allocateRegion(REGION));
    long a2 = address(b.allocateRegion(REGION));
    assertThatThrownBy(b::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("munmap of emulated RAM at 0x" + Long.toHexString(a1) + " failed")
        .cause()
        .isInstanceOfSatisfying(HostCallException.class, e -> assertThat(e.errno()).isEqualTo(22));
    assertThat(b.regions()).isZero();
    assertThatThrownBy(() -> vmFlags(a2)).isInstanceOf(AssertionError.class);
    assertThat(vmFlags(a1)).as("the refused one is still mapped").contains("nr");
    libc.munmap(a1, REGION);
  }
}
