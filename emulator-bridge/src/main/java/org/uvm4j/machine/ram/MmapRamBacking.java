package org.uvm4j.machine.ram;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.host.HostCallException;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.HostLibcs;
import org.uvm4j.uvm.page.RamBacking;

/**
 * Emulated RAM in anonymous private host memory: each region is {@code mmap(NULL, size,
 * PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)}, which reserves address
 * space only. The kernel supplies a zeroed host page the first time a frame's page is touched, so
 * RAM costs host memory in proportion to what the guests use, and the size of {@code --ram} costs
 * nothing ({@code MAP_NORESERVE}: no swap is reserved for it either).
 *
 * <p><b>Huge pages.</b> Each region is also advised {@code MADV_HUGEPAGE}: where the host's
 * transparent huge pages are {@code madvise} or {@code always}, its kernel then supplies 2 MiB at
 * the first touch of any frame in an aligned 2 MiB block, one host fault where 4 KiB pages take
 * 512. Measured on the 2-vCPU benchmark machine (a virtual machine, where a host fault is dear):
 * 1.6 µs per first-touched 4 KiB page without the advice, 0.5 µs with it; every guest zero fill and
 * COW copy into a frame never used before pays that once (docs/benchmarks.md). The price is
 * resident memory in 2 MiB steps: frames are handed out from low addresses first ({@link
 * org.uvm4j.uvm.page.PhysMem}), so a run holds at most one partly used block beyond what it
 * touched. {@value #HUGE_PAGES_PROPERTY}{@code =false} gives 4 KiB pages, as does a host whose THP
 * setting is {@code never}.
 *
 * <p>The calls go through a {@link HostLibc} ({@link HostLibcs#host()} unless given: FFM on Java
 * 22+, so an FFM run loads no JNA). Each region is wrapped as a direct {@link ByteBuffer} ({@link
 * HostLibc#memory}) of at most 1 GiB. {@link #close()} unmaps every region: whoever holds views of
 * them (the physical memory, the emulator) must have let go first; {@link
 * org.uvm4j.uvm.page.PhysMem#close()} drops its views before it closes the backing.
 *
 * <p>Invariant: every mapping made is in {@link #mappings} until it is unmapped; nothing is mapped
 * after {@link #close()}.
 */
public final class MmapRamBacking implements RamBacking {
  private static final long MAP_FAILED = -1L;

  /**
   * System property that turns the huge-page advice off ({@code -Duvm4j.ramHugePages=false}, e.g.
   * in {@code UVM4J_JAVA_OPTS}): the default is on.
   */
  public static final String HUGE_PAGES_PROPERTY = "uvm4j.ramHugePages";

  private static final Logger log = LogManager.getLogger("machine");

  private final List<long[]> mappings = new ArrayList<>();
  private final HostLibc libc;
  private final boolean hugePages;
  private boolean closed;

  /**
   * A backing that maps regions on demand, with the huge-page advice unless {@value
   * #HUGE_PAGES_PROPERTY} is {@code false}.
   *
   * @throws IllegalStateException on a host that is not 64-bit Linux (the flag values are Linux's)
   */
  public MmapRamBacking() {
    this((HostLibc) null);
  }

  /**
   * As {@link #MmapRamBacking()}, through {@code libc} (null: the process's binding).
   *
   * @throws IllegalStateException as {@link #MmapRamBacking()}
   */
  public MmapRamBacking(HostLibc libc) {
    this(!"false".equalsIgnoreCase(System.getProperty(HUGE_PAGES_PROPERTY, "true").trim()), libc);
  }

  /**
   * A backing that maps regions on demand through the process's libc binding.
   *
   * @param hugePages advise the host to back the regions with transparent huge pages
   * @throws IllegalStateException on a host that is not 64-bit Linux (the flag values are Linux's),
   *     or where libc cannot be called
   */
  public MmapRamBacking(boolean hugePages) {
    this(hugePages, null);
  }

  /**
   * A backing that maps regions on demand through {@code libc} (null: the process's binding).
   *
   * @param hugePages advise the host to back the regions with transparent huge pages
   * @throws IllegalStateException on a host that is not 64-bit Linux (the flag values are Linux's),
   *     or where libc cannot be called
   */
  public MmapRamBacking(boolean hugePages, HostLibc libc) {
    this.hugePages = hugePages;
    String os = System.getProperty("os.name", "");
    String bits = System.getProperty("sun.arch.data.model", "?");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux") || !bits.equals("64")) {
      throw new IllegalStateException(
          "emulated RAM needs a 64-bit Linux host (anonymous mmap); this is "
              + os
              + " with "
              + bits
              + "-bit pointers");
    }
    this.libc = libc != null ? libc : HostLibcs.host();
  }

  @Override
  public synchronized ByteBuffer allocateRegion(int bytes) {
    if (closed) {
      throw new IllegalStateException("the RAM backing is closed");
    }
    if (bytes <= 0 || (bytes & 0xfff) != 0 || bytes > (1L << regionShift())) {
      throw new IllegalArgumentException("bad region size " + bytes);
    }
    long addr;
    try {
      addr =
          libc.mmap(
              0,
              bytes,
              HostLibc.PROT_READ | HostLibc.PROT_WRITE,
              HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS | HostLibc.MAP_NORESERVE,
              -1,
              0);
    } catch (HostCallException e) {
      throw new IllegalStateException(
          "cannot reserve "
              + bytes
              + " bytes of host address space for the emulated RAM (after "
              + mappedBytes()
              + " bytes): "
              + e.getMessage()
              + "; use a smaller --ram",
          e);
    }
    if (addr == MAP_FAILED || addr == 0) {
      throw new IllegalStateException(
          "cannot reserve " + bytes + " bytes of host address space for the emulated RAM");
    }
    mappings.add(new long[] {addr, bytes});
    if (hugePages) {
      try {
        libc.madvise(addr, bytes, HostLibc.MADV_HUGEPAGE);
      } catch (HostCallException e) {
        // a host without transparent huge pages (EINVAL): 4 KiB pages, as without the advice
        log.debug("madvise(MADV_HUGEPAGE) of the emulated RAM refused: {}", e.getMessage());
      }
    }
    return libc.memory(addr, bytes);
  }

  /** Bytes of address space mapped now. */
  public synchronized long mappedBytes() {
    long n = 0;
    for (long[] m : mappings) {
      n += m[1];
    }
    return n;
  }

  /** Number of regions mapped now. */
  public synchronized int regions() {
    return mappings.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    IllegalStateException failure = null;
    for (long[] m : mappings) {
      try {
        libc.munmap(m[0], m[1]);
      } catch (HostCallException e) {
        if (failure == null) {
          failure =
              new IllegalStateException(
                  "munmap of emulated RAM at 0x" + Long.toHexString(m[0]) + " failed", e);
        }
      }
    }
    mappings.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
