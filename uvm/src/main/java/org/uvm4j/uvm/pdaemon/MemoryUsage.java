package org.uvm4j.uvm.pdaemon;

import java.util.Collection;
import java.util.function.Function;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The anonymous memory an address space holds, for choosing the out-of-memory victim: pages of its
 * amaps that are resident and pages that live only in swap. A page shared by several processes
 * (copy-on-write after fork, or shared memory) counts in each, as resident set sizes do.
 *
 * @param residentPages anon pages of the space that are in RAM
 * @param swapPages anon pages of the space whose only copy is in swap
 */
public record MemoryUsage(long residentPages, long swapPages) {
  /** Resident plus swapped pages: the size the out-of-memory killer compares. */
  public long totalPages() {
    return residentPages + swapPages;
  }

  /**
   * Walks the map entries of {@code vm} and counts the anons in each entry's window of its amap.
   *
   * <p>=> no lock of the space held by the caller (it takes the map lock and each amap lock).
   */
  public static MemoryUsage of(Vmspace vm) {
    long resident = 0;
    long swapped = 0;
    VmMap map = vm.map();
    map.lock();
    try {
      for (VmMapEntry e : map.entries()) {
        Amap amap = e.aref.amap;
        if (amap == null) {
          continue;
        }
        amap.lock();
        try {
          int first = e.aref.pageOffset;
          int n = Math.min(e.pages(), amap.nslot() - first);
          // only the chunks in use: a huge sparse mapping costs what it holds, not its size
          for (int p = amap.nextAnonPage(e.aref, 0, n);
              p >= 0;
              p = amap.nextAnonPage(e.aref, p + 1, n)) {
            Anon an = amap.anonAt(first + p);
            if (an.page != null) {
              resident++;
            } else if (an.swslot > 0) {
              swapped++;
            }
          }
        } finally {
          amap.unlock();
        }
      }
    } finally {
      map.unlock();
    }
    return new MemoryUsage(resident, swapped);
  }

  /**
   * The out-of-memory victim: the candidate whose space holds the most anonymous pages (resident
   * plus swap); ties go to the first in iteration order. Null when there is no candidate.
   */
  public static <T> T largest(Collection<T> candidates, Function<T, Vmspace> space) {
    T victim = null;
    long best = -1;
    for (T c : candidates) {
      Vmspace vm = space.apply(c);
      if (vm == null || vm.isFreed()) {
        continue;
      }
      long total = of(vm).totalPages();
      if (total > best) {
        best = total;
        victim = c;
      }
    }
    return victim;
  }
}
