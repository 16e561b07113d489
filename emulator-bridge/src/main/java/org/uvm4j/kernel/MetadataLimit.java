package org.uvm4j.kernel;

import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.pmap.Pmap;

/**
 * The kernel's side of the metadata budget ({@link MetadataBudget}, the Java heap guests drive
 * through amaps, anons, map entries and page tables): the system calls that create metadata —
 * {@code mmap}, {@code brk} and {@code mremap} growth, {@code fork} — are refused (ENOMEM, as an
 * overcommitting Linux refuses what it cannot back) once what they would add leaves less than a
 * {@linkplain #reserve reserve} under the limit, so that the faults of running processes, which the
 * fault handler refuses only when the budget is exhausted (the OOM kill), keep some room.
 *
 * <p>Invariant: a refusal changes nothing and is counted in the budget's {@code refused}.
 */
public final class MetadataLimit {
  private MetadataLimit() {}

  /**
   * What a new mapping costs before any fault: an entry and the one a clip may split off, an amap
   * (shared anonymous memory and brk get theirs at once) with its slot list and the root of a chunk
   * tree.
   */
  static final long MAPPING_BYTES =
      2 * VmMapEntry.BYTES + AmapAllocator.AMAP_BYTES + MetadataBudget.array(256, 4) + 128;

  /**
   * The headroom system calls leave to faults: a sixteenth of the limit, at least 64 KiB, at most
   * half of it.
   */
  static long reserve(MetadataBudget b) {
    long l = b.limit();
    if (l == MetadataBudget.UNLIMITED) {
      return 0;
    }
    return Math.min(l / 2, Math.max(64L << 10, l / 16));
  }

  /** May {@code vm} get one more mapping (mmap, brk or mremap growth)? Counts a refusal. */
  public static boolean allowsMapping(Vmspace vm) {
    return allows(vm.uvm().metadataBudget(), MAPPING_BYTES);
  }

  /**
   * May {@code parent} fork: the child's page table and a copy of every map entry (its amaps are
   * copied later, by the faults that write)? Counts a refusal.
   */
  public static boolean allowsFork(Vmspace parent) {
    long bytes = Pmap.BASE_BYTES + (long) parent.map().entryCount() * VmMapEntry.BYTES;
    return allows(parent.uvm().metadataBudget(), bytes);
  }

  /**
   * May {@code vm}'s process make a pipe ({@link org.uvm4j.kernel.fs.Pipe#BYTES} of ring, charged
   * until both ends are closed)? Counts a refusal.
   */
  public static boolean allowsPipe(Vmspace vm) {
    return allows(vm.uvm().metadataBudget(), org.uvm4j.kernel.fs.Pipe.BYTES);
  }

  /**
   * May {@code vm}'s process make a socket pair ({@link org.uvm4j.kernel.fs.UnixSocketPair#BYTES},
   * charged until both ends are closed)? Counts a refusal.
   */
  public static boolean allowsSocketPair(Vmspace vm) {
    return allows(vm.uvm().metadataBudget(), org.uvm4j.kernel.fs.UnixSocketPair.BYTES);
  }

  private static boolean allows(MetadataBudget b, long bytes) {
    if (b.allows(bytes, reserve(b))) {
      return true;
    }
    b.noteRefused();
    return false;
  }
}
