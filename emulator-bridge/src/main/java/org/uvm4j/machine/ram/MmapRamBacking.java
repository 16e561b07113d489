package org.uvm4j.machine.ram;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
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
 * <p>Each region is wrapped as a direct {@link ByteBuffer} (JNA {@link Pointer#getByteBuffer}) of
 * at most 1 GiB. {@link #close()} unmaps every region: whoever holds views of them (the physical
 * memory, the emulator) must have let go first; {@link org.uvm4j.uvm.page.PhysMem#close()} drops
 * its views before it closes the backing.
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
  private final boolean hugePages;
  private boolean closed;

  /**
   * A backing that maps regions on demand, with the huge-page advice unless {@value
   * #HUGE_PAGES_PROPERTY} is {@code false}.
   *
   * @throws IllegalStateException on a host that is not 64-bit Linux (the flag values are Linux's)
   */
  public MmapRamBacking() {
    this(!"false".equalsIgnoreCase(System.getProperty(HUGE_PAGES_PROPERTY, "true").trim()));
  }

  /**
   * A backing that maps regions on demand.
   *
   * @param hugePages advise the host to back the regions with transparent huge pages
   * @throws IllegalStateException on a host that is not 64-bit Linux (the flag values are Linux's)
   */
  public MmapRamBacking(boolean hugePages) {
    this.hugePages = hugePages;
    if (!Platform.isLinux() || Native.POINTER_SIZE != 8) {
      throw new IllegalStateException(
          "emulated RAM needs a 64-bit Linux host (anonymous mmap); this is "
              + System.getProperty("os.name")
              + " with "
              + (Native.POINTER_SIZE * 8)
              + "-bit pointers");
    }
    HostPages.ensureRegistered();
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
          HostPages.mmap(
              0,
              bytes,
              HostPages.PROT_READ | HostPages.PROT_WRITE,
              HostPages.MAP_PRIVATE | HostPages.MAP_ANONYMOUS | HostPages.MAP_NORESERVE,
              -1,
              0);
    } catch (LastErrorException e) {
      throw new IllegalStateException(
          "cannot reserve "
              + bytes
              + " bytes of host address space for the emulated RAM (after "
              + mappedBytes()
              + " bytes): mmap failed: "
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
        HostPages.madvise(addr, bytes, HostPages.MADV_HUGEPAGE);
      } catch (LastErrorException e) {
        // a host without transparent huge pages (EINVAL): 4 KiB pages, as without the advice
        log.debug("madvise(MADV_HUGEPAGE) of the emulated RAM refused: {}", e.getMessage());
      }
    }
    return new Pointer(addr).getByteBuffer(0, bytes);
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
        HostPages.munmap(m[0], m[1]);
      } catch (LastErrorException e) {
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
