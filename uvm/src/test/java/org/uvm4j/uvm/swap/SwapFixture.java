package org.uvm4j.uvm.swap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.Aref;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * A small machine with swap for tests: a {@link Uvm} of a few pages, a swap file in a temporary
 * directory behind a {@link FaultInjectingSwapDevice}, the pager and the page daemon, plus helpers
 * to make dirty anon pages with recognisable contents.
 */
final class SwapFixture implements AutoCloseable {
  static final int PG = PhysMem.PAGE_SIZE;

  final Uvm uvm;
  final SwapPager pager;
  final SwapManager swap;
  final PageDaemon daemon;
  final FaultInjectingSwapDevice device;
  final SwapArea sdp;

  /**
   * @param ramPages frames of RAM (frame 0 reserved)
   * @param swapPages slots of the swap file
   * @param freeMin the low watermark (uvmexp.freemin)
   * @param freeTarget the high watermark (uvmexp.freetarg), above {@code freeMin}
   */
  SwapFixture(Path dir, int ramPages, int swapPages, int freeMin, int freeTarget)
      throws IOException {
    this(dir, ramPages, swapPages, freeMin, freeTarget, d -> d);
  }

  /** As above, with the device seen by the swap layer wrapped by {@code wrap}. */
  SwapFixture(
      Path dir,
      int ramPages,
      int swapPages,
      int freeMin,
      int freeTarget,
      UnaryOperator<SwapDevice> wrap)
      throws IOException {
    uvm = new Uvm(new UvmConfig((long) ramPages * PG, freeMin, freeTarget));
    pager = SwapPager.attach(uvm);
    swap = pager.swap();
    daemon = PageDaemon.attach(uvm, pager);
    device =
        new FaultInjectingSwapDevice(
            FileSwapDevice.open(dir.resolve("swap0"), (long) swapPages * PG, false));
    sdp = swap.swapOn(wrap.apply(device), 0);
  }

  /** Frames free now. */
  int free() {
    return uvm.physMem().freeCount();
  }

  /** Fills a page with a pattern derived from {@code tag}. */
  static byte[] pattern(int tag) {
    byte[] b = new byte[PG];
    Arrays.fill(b, (byte) (tag * 7 + 1));
    b[0] = (byte) tag;
    b[1] = (byte) (tag >> 8);
    b[PG - 1] = (byte) ~tag;
    return b;
  }

  /**
   * A new anon ({@code ref 1}, unlocked) with a dirty resident page holding {@code pattern(tag)},
   * on the active queue.
   */
  Anon dirtyAnon(int tag) {
    Anon anon = Anon.alloc(uvm);
    if (anon == null) {
      throw new IllegalStateException("no anon");
    }
    VmPage pg = uvm.pageAlloc(anon);
    if (pg == null) {
      anon.unlock();
      throw new IllegalStateException("no frame for anon " + tag);
    }
    uvm.physMem().write(pg, 0, pattern(tag), 0, PG);
    pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE | VmPage.PG_CLEAN);
    uvm.pageActivate(pg);
    anon.unlock();
    return anon;
  }

  /** An amap of {@code anons.length} slots holding the anons (for swap-off's walk). */
  Amap amapOf(Anon... anons) {
    Amap amap = Amap.alloc(uvm, (long) anons.length * PG, 0, false);
    Aref aref = new Aref();
    aref.amap = amap;
    amap.lock();
    for (int i = 0; i < anons.length; i++) {
      amap.add(aref, (long) i * PG, anons[i], false);
    }
    amap.unlock();
    return amap;
  }

  /** The current contents of {@code anon}'s resident page. */
  byte[] contents(Anon anon) {
    byte[] b = new byte[PG];
    uvm.physMem().read(anon.page, 0, b, 0, PG);
    return b;
  }

  /** Makes {@code anon} resident through the fault path's anonget; returns its errno. */
  int pagein(Anon anon) {
    anon.lock();
    int error = pager.anonGet(anon);
    if (error != SwapPager.ERESTART) {
      anon.unlock();
    }
    return error;
  }

  /** Moves every queued page to the inactive queue (so the daemon sees them first). */
  void deactivateAll() {
    uvm.pageQueues().lock().lock();
    try {
      VmPage pg;
      while ((pg = uvm.pageQueues().activeHead()) != null) {
        uvm.pageDeactivate(pg);
      }
    } finally {
      uvm.pageQueues().lock().unlock();
    }
  }

  @Override
  public void close() {
    swap.close();
  }
}
