package org.uvm4j.uvm.amap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.page.VmPage;

/**
 * A small, self-checking stand-in for the VM system: pages are plain {@link VmPage} records with a
 * content tag, swap is a set of allocated slot numbers, and every call is recorded so tests can
 * assert on it.
 */
final class TestServices implements UvmServices {
  final AmapAllocator allocator = new AmapAllocator(this::waitForMemory);
  final AmapList list = new AmapList();

  /** Frames still allocatable; pageAlloc returns null at 0. */
  int freeFrames = Integer.MAX_VALUE;

  private int nextFrame = 1;
  private int nextSlot = 1;

  /** Content tag of each live page (what a copy carries over). */
  final Map<VmPage, Integer> content = new IdentityHashMap<>();

  final Set<Integer> swapSlots = new HashSet<>();
  final List<Integer> freedSlots = new ArrayList<>();
  final List<VmPage> protectedPages = new ArrayList<>();
  final List<Integer> protections = new ArrayList<>();
  final List<VmPage> activated = new ArrayList<>();
  final List<VmPage> freedPages = new ArrayList<>();
  final List<String> memoryWaits = new ArrayList<>();
  final List<String> pageWaits = new ArrayList<>();
  int swpgonly;
  int pageins;

  /** Called by waitForMemory; by default clears every injected failure and frees frames. */
  Runnable onWaitForMemory =
      () -> {
        allocator.clearFailures();
        freeFrames = Integer.MAX_VALUE;
      };

  /** Called by pageWait; by default the I/O owner finishes: the page is unbusied. */
  java.util.function.Consumer<VmPage> onPageWait =
      pg -> pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_WANTED);

  /** Decides anonPagein's outcome (true = done); runs before the default pagein work. */
  Predicate<Anon> onPagein = an -> true;

  @Override
  public VmPage pageAlloc(Anon anon) {
    Kassert.check(anon.isLocked(), "test pageAlloc: anon not locked");
    if (freeFrames == 0) {
      return null;
    }
    if (freeFrames != Integer.MAX_VALUE) {
      freeFrames--;
    }
    VmPage pg = new VmPage(nextFrame++);
    pg.anon = anon;
    pg.pqflags = VmPage.PQ_ANON;
    pg.flags = VmPage.PG_BUSY | VmPage.PG_FAKE | VmPage.PG_CLEAN;
    anon.page = pg;
    content.put(pg, 0);
    return pg;
  }

  @Override
  public void pageCopy(VmPage src, VmPage dst) {
    Kassert.check(content.containsKey(src) && content.containsKey(dst), "test pageCopy: dead page");
    content.put(dst, content.get(src));
    dst.flags &= ~VmPage.PG_CLEAN;
  }

  @Override
  public void pageActivate(VmPage pg) {
    pg.pqflags |= VmPage.PQ_ACTIVE;
    activated.add(pg);
  }

  @Override
  public void pageFree(VmPage pg) {
    Kassert.check(content.containsKey(pg), "test pageFree: page freed twice");
    Kassert.check(
        (pg.flags & VmPage.PG_BUSY) == 0 || (pg.flags & VmPage.PG_RELEASED) != 0,
        "test pageFree: busy page");
    content.remove(pg);
    if (pg.anon != null) {
      Anon.owner(pg).page = null;
      pg.anon = null;
    }
    pg.pqflags = VmPage.PQ_FREE;
    freedPages.add(pg);
  }

  @Override
  public void pageProtect(VmPage pg, int prot) {
    protectedPages.add(pg);
    protections.add(prot);
  }

  @Override
  public void swapFree(int slot) {
    Kassert.check(slot > 0, "test swapFree: slot <= 0");
    Kassert.check(swapSlots.remove(slot), "test swapFree: slot " + slot + " not allocated");
    freedSlots.add(slot);
  }

  @Override
  public void swapOnlyFreed() {
    swpgonly--;
  }

  @Override
  public boolean anonPagein(Anon anon) {
    Kassert.check(anon.isLocked(), "test anonPagein: anon not locked");
    pageins++;
    boolean ok = onPagein.test(anon);
    if (ok && anon.swslot != 0) {
      if (anon.page == null) {
        VmPage pg = new VmPage(nextFrame++);
        pg.anon = anon;
        pg.pqflags = VmPage.PQ_ANON;
        anon.page = pg;
        content.put(pg, -anon.swslot);
        swpgonly--;
      }
      anon.dropSwap(this);
    }
    anon.unlock();
    return ok;
  }

  @Override
  public void pageWait(VmPage pg, String wmsg) {
    pageWaits.add(wmsg);
    onPageWait.accept(pg);
  }

  @Override
  public void waitForMemory(String wmsg) {
    memoryWaits.add(wmsg);
    onWaitForMemory.run();
  }

  @Override
  public AmapAllocator allocator() {
    return allocator;
  }

  @Override
  public AmapList amapList() {
    return list;
  }

  // ---- fixtures ------------------------------------------------------------------------------

  /** A new unlocked anon with ref 1 and no data. */
  Anon anon() {
    Anon an = Anon.alloc(this);
    Kassert.check(an != null, "fixture: anon allocation failed");
    an.unlock();
    return an;
  }

  /** A new unlocked anon with ref 1 and a resident, unbusy page tagged {@code tag}. */
  Anon anonWithPage(int tag) {
    Anon an = Anon.alloc(this);
    VmPage pg = pageAlloc(an);
    pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
    content.put(pg, tag);
    an.unlock();
    return an;
  }

  /** A new unlocked anon with ref 1 whose only copy is in a fresh swap slot. */
  Anon anonSwapOnly() {
    Anon an = anon();
    an.swslot = nextSlot++;
    swapSlots.add(an.swslot);
    swpgonly++;
    return an;
  }

  /** Gives {@code an} a fresh swap slot (keeping its page). */
  int giveSlot(Anon an) {
    an.swslot = nextSlot++;
    swapSlots.add(an.swslot);
    return an.swslot;
  }

  /** An amap of {@code pages} pages (padding {@code pad} pages), waiting allocation. */
  Amap amap(int pages, int pad) {
    Amap a = Amap.alloc(this, (long) pages << 12, (long) pad << 12, false);
    Kassert.check(a != null, "fixture: amap allocation failed");
    return a;
  }

  /** An entry [start, start + pages) using {@code amap} from slot {@code pageoff}. */
  static VmMapEntry entry(long start, int pages, Amap amap, int pageoff) {
    VmMapEntry e = new VmMapEntry();
    e.start = start;
    e.end = start + ((long) pages << 12);
    e.aref.amap = amap;
    e.aref.pageOffset = pageoff;
    e.etype = VmMapEntry.COPYONWRITE;
    return e;
  }

  /**
   * Puts {@code an} in slot {@code slot} of {@code amap} (through amap_add with a whole-amap aref).
   */
  static void put(Amap amap, int slot, Anon an) {
    Aref all = new Aref();
    all.amap = amap;
    amap.lock();
    amap.add(all, (long) slot << 12, an, false);
    amap.unlock();
  }

  /** The anon in slot {@code slot}, or null. */
  static Anon at(Amap amap, int slot) {
    amap.lock();
    try {
      return amap.anonAt(slot);
    } finally {
      amap.unlock();
    }
  }
}
