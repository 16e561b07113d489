package org.uvm4j.uvm.map;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Uvm;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.AmapList;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.page.VmPage;

/**
 * The amap layer's view of a {@link Uvm} ({@link UvmServices}). design.md has {@code Uvm} implement
 * the interface itself; while a {@code Uvm} does not, this bridge delegates to its page operations
 * and keeps the one amap allocator and amap list of that machine (one bridge per {@code Uvm}, so
 * every map of the machine sees the same list).
 */
final class UvmServicesBridge implements UvmServices {
  private static final Map<Uvm, UvmServices> BRIDGES = new WeakHashMap<>();

  private final Uvm uvm;
  private final AmapAllocator allocator;
  private final AmapList amapList = new AmapList();

  private UvmServicesBridge(Uvm uvm) {
    this.uvm = uvm;
    this.allocator = new AmapAllocator(uvm::waitForMemory);
  }

  /** The services of {@code uvm}: itself when it implements them, else its bridge. */
  static synchronized UvmServices of(Uvm uvm) {
    if ((Object) uvm instanceof UvmServices s) {
      return s;
    }
    return BRIDGES.computeIfAbsent(uvm, UvmServicesBridge::new);
  }

  @Override
  public VmPage pageAlloc(Anon anon) {
    return uvm.pageAlloc(anon);
  }

  @Override
  public void pageCopy(VmPage src, VmPage dst) {
    uvm.pageCopy(src, dst);
  }

  @Override
  public void pageActivate(VmPage pg) {
    uvm.pageActivate(pg);
  }

  @Override
  public void pageFree(VmPage pg) {
    uvm.pageFree(pg);
  }

  @Override
  public void pageProtect(VmPage pg, int prot) {
    uvm.pageProtect(pg, prot);
  }

  @Override
  public void swapFree(int slot) {
    uvm.swapFree(slot);
  }

  @Override
  public void swapOnlyFreed() {
    uvm.exp().swpgonly--;
  }

  @Override
  public boolean anonPagein(Anon anon) {
    try {
      return uvm.anonPagein(anon);
    } finally {
      if (anon.isLocked()) {
        anon.unlock();
      }
    }
  }

  @Override
  public void pageWait(VmPage pg, String wmsg) {
    ReentrantLock l = new ReentrantLock();
    l.lock();
    pg.unlockAndWait(l, wmsg);
  }

  @Override
  public void waitForMemory(String wmsg) {
    uvm.waitForMemory(wmsg);
  }

  @Override
  public AmapAllocator allocator() {
    return allocator;
  }

  @Override
  public AmapList amapList() {
    return amapList;
  }
}
