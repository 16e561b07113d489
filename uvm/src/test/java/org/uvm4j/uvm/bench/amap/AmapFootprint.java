package org.uvm4j.uvm.bench.amap;

import java.lang.management.ManagementFactory;
import java.util.function.IntFunction;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.Aref;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Memory per amap slot and per anon, for docs/benchmarks.md, by heap accounting: the bytes this
 * thread allocated while making many amaps or anons ({@code com.sun.management.ThreadMXBean}),
 * divided by their number. Compared with the seed: three arrays of {@code am_maxslot} elements,
 * {@code 4 + 4 + 8 = 16} bytes per slot on LP64, plus a 72-byte struct.
 *
 * <p>Run: {@code java -cp ... org.uvm4j.uvm.bench.amap.AmapFootprint}.
 */
public final class AmapFootprint {
  private AmapFootprint() {}

  public static void main(String[] args) {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    System.out.printf(
        "JVM %s, max heap %d MiB%n",
        System.getProperty("java.vm.version"), Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "int[4096] %d B, Anon[4096] %d B, ReentrantLock %d B%n",
        perObject(4000, k -> new int[4096]),
        perObject(4000, k -> new Anon[4096]),
        perObject(100_000, k -> new java.util.concurrent.locks.ReentrantLock()));
    System.out.println(
        "| slots | allocated per amap_alloc (B) | B/slot | seed LP64 (B) | B/slot |");
    System.out.println("|---:|---:|---:|---:|---:|");
    for (int slots : new int[] {1, 16, 256, 4096}) {
      int n = slots >= 4096 ? 500 : 5000;
      Amap[] keep = new Amap[n];
      long before = allocated();
      for (int k = 0; k < n; k++) {
        keep[k] = Amap.alloc(uvm, (long) slots << 12, 0, false);
      }
      long per = (allocated() - before) / n;
      for (Amap a : keep) {
        a.unref(0, slots, false);
      }
      // the seed: a 72-byte struct (OpenBSD's count for LP64) + three kmem blocks of maxslot
      long roundup = (slots + 1) & ~1; // kmem quantum 8 bytes = 2 ints
      long seed = 72 + roundup * (4 + 4 + 8);
      System.out.printf(
          "| %d | %d | %.2f | %d | %.2f |%n",
          slots, per, (double) per / slots, seed, (double) seed / slots);
    }
    System.out.printf(
        "ppref (int per slot) for 4096 slots: %d B%n", perObject(4000, k -> new int[4096]));
    int n = 200_000;
    Anon[] keep = new Anon[n];
    long before = allocated();
    for (int k = 0; k < n; k++) {
      keep[k] = Anon.alloc(uvm);
      keep[k].unlock();
    }
    System.out.printf(
        "Anon: allocated per uvm_analloc %d B (seed LP64: ~32 B by field count)%n",
        (allocated() - before) / n);
    residentPages(uvm, 1 << 16, 1);
    residentPages(uvm, 1 << 16, 2);
    residentPages(uvm, 1 << 24, 64);
  }

  /**
   * Heap per resident anonymous page: an amap of {@code slots} slots in which every {@code
   * stride}-th page gets an anon (as write faults do: uvm_analloc + amap_add), everything allocated
   * (anon, chunk leaves, tree nodes, am_slots growth, amap) divided by the anons. The page's frame
   * and its vm_page exist whether or not an anon uses them and are not counted.
   */
  private static void residentPages(Uvm uvm, int slots, int stride) {
    long before = allocated();
    Amap a = Amap.alloc(uvm, (long) slots << 12, 0, false);
    Aref all = new Aref();
    all.amap = a;
    a.lock();
    int n = 0;
    for (int s = 0; s < slots; s += stride) {
      Anon an = Anon.alloc(uvm);
      an.unlock();
      a.add(all, (long) s << 12, an, false);
      n++;
    }
    a.unlock();
    long per = (allocated() - before) / n;
    System.out.printf(
        "resident anonymous pages: %d of %d slots (every %d): %d B per page%n",
        n, slots, stride, per);
    a.unref(0, slots, true);
  }

  /** Bytes allocated per object made by {@code make}, averaged over {@code n}. */
  private static long perObject(int n, IntFunction<Object> make) {
    Object[] keep = new Object[n];
    long before = allocated();
    for (int k = 0; k < n; k++) {
      keep[k] = make.apply(k);
    }
    long per = (allocated() - before) / n;
    return keep[n - 1] != null ? per : -1;
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
