package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.FileObject;

/**
 * The naive reference model the VM-system property tests drive the real system against: every
 * process has its own byte array per mapped page, copied in full at fork, and a shared page is one
 * array referenced by every sharer. Each operation performs the system call on the real {@link
 * Vmspace}, checks its result against the model (every read returns the model's bytes, every access
 * the model forbids faults, errors are the ones Linux gives) and updates the model.
 *
 * <p>Used by {@code VmModelProperties} and, on a machine with far less RAM than the working set, by
 * {@code SwapModelProperties}.
 */
public final class VmModel {
  /** What a property test lets the model do. */
  public record Config(
      int maxPagesPerProc, int[] prots, boolean fileMappings, boolean strayAddresses) {}

  private static final long PAGE = VmFixture.PAGE;
  private static final int MAX_PROCS = 4;
  private static final int MAX_REGION_PAGES = 6;
  private static final int FILE_PAGES = 8;
  private static final int[] OFFSETS = {0, 1, 100, 2048, 4095};

  /** One page of data (shared by reference among the processes that share it). */
  private static final class Cell {
    final byte[] data;

    Cell(byte[] data) {
      this.data = data;
    }
  }

  /** What the model knows of one mapped page of one process. */
  private static final class MPage {
    final Cell cell;
    int prot;
    final int maxProt;
    Inheritance inh;
    final boolean shared;

    /** The file page this page maps (its contents until written privately), or -1: anonymous. */
    final int filePage;

    boolean wired;

    MPage(Cell cell, int prot, int maxProt, Inheritance inh, boolean shared, int filePage) {
      this.cell = cell;
      this.prot = prot;
      this.maxProt = maxProt;
      this.inh = inh;
      this.shared = shared;
      this.filePage = filePage;
    }

    /** The same mapping as {@code o} would be in Linux's eyes (one vm_area if adjacent). */
    boolean sameMapping(MPage o) {
      return prot == o.prot
          && maxProt == o.maxProt
          && inh == o.inh
          && shared == o.shared
          && wired == o.wired
          && (filePage < 0) == (o.filePage < 0);
    }
  }

  /** Where the remap step puts fixed targets that are not on a mapped page. */
  private static final long FIXED_BASE = 0x5000_0000L;

  private static final class Proc {
    final Vmspace vm;
    final TreeMap<Long, MPage> pages;

    Proc(Vmspace vm) {
      this(vm, new TreeMap<>());
    }

    /** A thread of a process: the same address space and the same pages. */
    Proc(Vmspace vm, TreeMap<Long, MPage> pages) {
      this.vm = vm;
      this.pages = pages;
    }
  }

  private final VmFixture m;
  private final Config cfg;
  private final List<Proc> procs = new ArrayList<>();
  private final byte[] fileBytes;

  /** The file every program can map (private: copy-on-write; shared: read-only), or null. */
  private final FileObject file;

  /** A model with one process on machine {@code m}. */
  public VmModel(VmFixture m, Config cfg) {
    this.m = m;
    this.cfg = cfg;
    if (cfg.fileMappings()) {
      fileBytes = new byte[FILE_PAGES * (int) PAGE];
      for (int i = 0; i < fileBytes.length; i++) {
        fileBytes[i] = (byte) (i * 31 + 7);
      }
      file = new FileObject(m.uvm, fileBytes);
    } else {
      fileBytes = null;
      file = null;
    }
    procs.add(new Proc(m.newSpace()));
  }

  private Proc pick(int a) {
    return procs.get(a % procs.size());
  }

  /** mmap of 1–6 pages, anonymous or (if allowed) of the file, private or shared. */
  public String map(int a, int b, int c, int d) {
    Proc p = pick(a);
    int pages = 1 + b % MAX_REGION_PAGES;
    if (p.pages.size() + pages > cfg.maxPagesPerProc()) {
      return "map skipped";
    }
    int prot = cfg.prots()[c % cfg.prots().length];
    boolean shared = (d & 1) != 0;
    boolean fromFile = cfg.fileMappings() && (d >> 1) % 4 == 2; // 0, 1, 3: anonymous; 2: file
    int fileOff = fromFile ? b % (FILE_PAGES - pages + 1) : 0;
    int maxProt = Prot.ALL;
    if (fromFile && shared) {
      maxProt = Prot.READ | Prot.EXEC;
      if ((prot & Prot.WRITE) != 0) {
        MapRequest writable = MapRequest.anon(pages * PAGE, prot).withObject(file, 0);
        assertThatThrownBy(() -> p.vm.mmap(writable.withShared(true)))
            .isInstanceOfSatisfying(
                UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EACCES));
        prot = Prot.READ;
      }
    }
    MapRequest req =
        MapRequest.anon(pages * PAGE, prot)
            .withShared(shared)
            .withObject(fromFile ? file : null, fileOff * PAGE);
    long addr;
    try {
      addr = p.vm.mmap(req);
    } catch (UvmException e) {
      throw new AssertionError("mmap: " + e.getMessage(), e);
    }
    assertThat(addr).as("mmap").isPositive();
    for (int i = 0; i < pages; i++) {
      long va = addr + i * PAGE;
      assertThat(p.pages).as("mmap returned a used address").doesNotContainKey(va);
      byte[] data = new byte[(int) PAGE];
      if (fromFile) {
        System.arraycopy(fileBytes, (fileOff + i) * (int) PAGE, data, 0, (int) PAGE);
      }
      p.pages.put(
          va,
          new MPage(
              new Cell(data),
              prot,
              maxProt,
              shared ? Inheritance.SHARE : Inheritance.COPY,
              shared,
              fromFile ? fileOff + i : -1));
    }
    return "mmap "
        + pages
        + " "
        + Prot.toString(prot)
        + (shared ? " shared" : " private")
        + (fromFile ? " file+" + fileOff : "");
  }

  /** A page address of {@code p}: a mapped one, or (stray addresses) sometimes next to one. */
  private long pickVa(Proc p, int r) {
    if (p.pages.isEmpty()) {
      return Vmspace.MMAP_BASE - PAGE;
    }
    Long[] vas = p.pages.keySet().toArray(new Long[0]);
    long va = vas[r % vas.length];
    if (cfg.strayAddresses()) {
      int skew = (r >> 8) % 8;
      if (skew == 0) {
        return va + PAGE;
      } else if (skew == 1) {
        return va - PAGE;
      }
    }
    return va;
  }

  /** A one-byte store; must fault where the model has no writable page. */
  public String write(int a, int b, int c, int d) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int off = OFFSETS[c % OFFSETS.length];
    MPage mp = p.pages.get(va);
    int r = VmFixture.poke(p.vm, va + off, d);
    if (mp == null || (mp.prot & Prot.WRITE) == 0) {
      assertThat(r)
          .as("write to %x (%s) must fault", va, mp == null ? "unmapped" : "ro")
          .isEqualTo(Errno.EFAULT);
    } else {
      assertThat(r).as("write to %x", va).isZero();
      mp.cell.data[off] = (byte) d;
    }
    return "write " + Long.toHexString(va + off);
  }

  /** A one-byte load; must return the model's byte, or fault where the page is not readable. */
  public String read(int a, int b, int c) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int off = OFFSETS[c % OFFSETS.length];
    MPage mp = p.pages.get(va);
    int r = VmFixture.peek(p.vm, va + off);
    if (mp == null || (mp.prot & Prot.READ) == 0) {
      assertThat(r).as("read of %x must fault", va).isEqualTo(-1);
    } else {
      assertThat(r).as("read of %x+%d", va, off).isEqualTo(mp.cell.data[off] & 0xff);
    }
    return "read " + Long.toHexString(va + off);
  }

  /** fork: the child gets each page by its inheritance (none, shared, copied, zero). */
  public String fork(int a) {
    if (procs.size() >= MAX_PROCS) {
      return "fork skipped";
    }
    Proc p = pick(a);
    Proc c = new Proc(m.fork(p.vm));
    for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
      MPage mp = e.getValue();
      Cell cell =
          switch (mp.inh) {
            case NONE -> null;
            case SHARE -> mp.cell;
            case COPY -> new Cell(mp.cell.data.clone());
            case ZERO -> new Cell(new byte[(int) PAGE]);
          };
      if (cell != null) {
        // uvmspace_fork: a COPY child is a private copy-on-write mapping (of the same object, if
        // any) even when the parent's is shared; a ZERO child is private zero-fill anonymous memory
        boolean shared = mp.inh == Inheritance.SHARE && mp.shared;
        int filePage = mp.inh == Inheritance.ZERO ? -1 : mp.filePage;
        c.pages.put(e.getKey(), new MPage(cell, mp.prot, mp.maxProt, mp.inh, shared, filePage));
      }
    }
    procs.add(c);
    return "fork";
  }

  /**
   * A new thread of a process (uvmspace_share: one more reference to the same vmspace): its steps
   * act on the same map and pages as the process's other threads, so a change by one is seen by
   * all, and the space lives until its last holder exits.
   */
  public String thread(int a) {
    if (procs.size() >= MAX_PROCS) {
      return "thread skipped";
    }
    Proc p = pick(a);
    p.vm.reference();
    procs.add(new Proc(p.vm, p.pages));
    return "thread";
  }

  /** A process (or one thread of it) exits (a fresh one starts when it was the last). */
  public String exit(int a) {
    Proc p = pick(a);
    procs.remove(p);
    release(p);
    if (procs.isEmpty()) {
      procs.add(new Proc(m.newSpace()));
    }
    return "exit";
  }

  /** Drops {@code p}'s reference: the last holder of a space frees it (the fixture's exit). */
  private void release(Proc p) {
    for (Proc q : procs) {
      if (q.vm == p.vm) {
        p.vm.free(); // another thread still holds it: only the reference goes
        assertThat(p.vm.isFreed()).as("a thread's exit keeps its process's space").isFalse();
        return;
      }
    }
    m.exit(p.vm);
  }

  /** munmap of 1–8 pages from a picked address (holes allowed, as Linux allows them). */
  public String munmap(int a, int b, int c) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int pages = 1 + c % (MAX_REGION_PAGES + 2);
    assertThat(p.vm.munmap(va, pages * PAGE)).isZero();
    p.pages.subMap(va, va + pages * PAGE).clear();
    return "munmap " + Long.toHexString(va) + "+" + pages;
  }

  private boolean fullyMapped(Proc p, long va, int pages) {
    for (int i = 0; i < pages; i++) {
      if (!p.pages.containsKey(va + i * PAGE)) {
        return false;
      }
    }
    return true;
  }

  /** mprotect of 1–4 pages: ENOMEM over a hole, EACCES above the maximum protection. */
  public String mprotect(int a, int b, int c, int d) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int pages = 1 + c % 4;
    int prot = cfg.prots()[d % cfg.prots().length];
    int r = p.vm.mprotect(va, pages * PAGE, prot);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else if (exceedsMax(p, va, pages, prot)) {
      assertThat(r).isEqualTo(Errno.EACCES);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).prot = prot;
      }
    }
    return "mprotect " + Long.toHexString(va) + "+" + pages + " " + Prot.toString(prot);
  }

  private boolean exceedsMax(Proc p, long va, int pages, int prot) {
    for (int i = 0; i < pages; i++) {
      if ((prot & ~p.pages.get(va + i * PAGE).maxProt) != 0) {
        return true;
      }
    }
    return false;
  }

  /** minherit of 1–4 pages; ENOMEM over a hole. */
  public String minherit(int a, int b, int c, int d) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int pages = 1 + c % 4;
    Inheritance inh = Inheritance.values()[d % Inheritance.values().length];
    int r = p.vm.minherit(va, pages * PAGE, inh);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).inh = inh;
      }
    }
    return "minherit " + Long.toHexString(va) + "+" + pages + " " + inh;
  }

  /** mlock or munlock of 1–4 pages; ENOMEM over a hole. */
  public String wire(int a, int b, int c, int d) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int pages = 1 + c % 4;
    boolean lock = (d & 1) != 0;
    int r = lock ? p.vm.mlock(va, pages * PAGE) : p.vm.munlock(va, pages * PAGE);
    if (!fullyMapped(p, va, pages)) {
      assertThat(r).isEqualTo(Errno.ENOMEM);
    } else {
      assertThat(r).isZero();
      for (int i = 0; i < pages; i++) {
        p.pages.get(va + i * PAGE).wired = lock;
      }
    }
    return (lock ? "mlock " : "munlock ") + Long.toHexString(va) + "+" + pages;
  }

  /**
   * mremap of 1–3 pages to 1–5 pages: in place, may move, fixed (onto a mapped page of the process
   * or a free area) or may move keeping the old range (DONTUNMAP). EINVAL for a fixed target
   * overlapping the old range, EFAULT unless the old range is one mapping, ENOMEM when it cannot
   * grow in place; a moved page keeps its data cell (shared pages stay shared), every attribute and
   * its wiring; a grown tail has the last page's attributes and zeros (or the file's bytes).
   */
  public String remap(int a, int b, int c, int d) {
    Proc p = pick(a);
    long va = pickVa(p, b);
    int oldPages = 1 + c % 3;
    int newPages = 1 + (c >> 2) % 5;
    int kind = d % 4;
    boolean dontUnmap = kind == 3;
    if (dontUnmap) {
      newPages = oldPages;
    }
    RemapMode mode =
        kind == 0 ? RemapMode.IN_PLACE : kind == 2 ? RemapMode.FIXED : RemapMode.MAY_MOVE;
    long target = 0;
    if (kind == 2) {
      target = (d >> 2) % 2 == 0 ? pickVa(p, c >> 8) : FIXED_BASE + (b % 16) * 8 * PAGE;
    }
    if (p.pages.size() + newPages + (dontUnmap ? oldPages : 0) > cfg.maxPagesPerProc()) {
      return "remap skipped";
    }
    long oldLen = oldPages * PAGE;
    long newLen = newPages * PAGE;
    String what =
        "mremap "
            + Long.toHexString(va)
            + "+"
            + oldPages
            + " -> "
            + newPages
            + " "
            + mode
            + (kind == 2 ? " " + Long.toHexString(target) : "")
            + (dontUnmap ? " dontunmap" : "");
    long result;
    int errno = 0;
    try {
      result = p.vm.remap(va, oldLen, newLen, mode, target, dontUnmap);
    } catch (UvmException e) {
      result = -1;
      errno = e.errno();
    }
    if (kind == 2 && target < va + oldLen && va < target + newLen) {
      assertThat(errno).as(what).isEqualTo(Errno.EINVAL);
      return what + ": EINVAL";
    }
    if (kind < 2 && newPages <= oldPages) {
      // Linux: a shrink in place needs only a mapping at the old address; the tail is unmapped
      if (!p.pages.containsKey(va)) {
        assertThat(errno).as(what).isEqualTo(Errno.EFAULT);
        return what + ": EFAULT";
      }
      assertThat(errno).as(what).isZero();
      assertThat(result).as(what).isEqualTo(va);
      p.pages.subMap(va + newLen, va + oldLen).clear();
      return what + ": shrunk";
    }
    if (!fullyMapped(p, va, oldPages) || !oneMapping(p, va, oldPages)) {
      assertThat(errno).as(what).isEqualTo(Errno.EFAULT);
      return what + ": EFAULT";
    }
    MPage last = p.pages.get(va + oldLen - PAGE);
    if (kind < 2 && p.pages.subMap(va + oldLen, va + newLen).isEmpty()) {
      assertThat(errno).as(what).isZero();
      assertThat(result).as(what).isEqualTo(va);
      addTail(p, last, va + oldLen, newPages - oldPages);
      return what + ": grown in place";
    }
    if (kind == 0) {
      assertThat(errno).as(what).isEqualTo(Errno.ENOMEM);
      return what + ": ENOMEM";
    }
    assertThat(errno).as(what).isZero();
    if (kind == 2) {
      assertThat(result).as(what).isEqualTo(target);
      p.pages.subMap(target, target + newLen).clear();
      if (newPages < oldPages) {
        p.pages.subMap(va + newLen, va + oldLen).clear();
      }
    } else {
      assertThat(p.pages.subMap(result, result + newLen)).as(what + ": moved onto pages").isEmpty();
    }
    int movePages = Math.min(oldPages, newPages);
    for (int i = 0; i < movePages; i++) {
      MPage mp = p.pages.remove(va + i * PAGE);
      p.pages.put(result + i * PAGE, mp);
      if (dontUnmap) {
        Cell cell = mp.shared ? mp.cell : new Cell(freshData(mp.filePage));
        p.pages.put(
            va + i * PAGE, new MPage(cell, mp.prot, mp.maxProt, mp.inh, mp.shared, mp.filePage));
      }
    }
    addTail(p, last, result + movePages * PAGE, newPages - movePages);
    return what + ": moved to " + Long.toHexString(result);
  }

  private boolean oneMapping(Proc p, long va, int pages) {
    MPage first = p.pages.get(va);
    for (int i = 1; i < pages; i++) {
      MPage mp = p.pages.get(va + i * PAGE);
      if (!mp.sameMapping(first) || (first.filePage >= 0 && mp.filePage != first.filePage + i)) {
        return false;
      }
    }
    return true;
  }

  /** What a page that was never written holds: zeros, or the file's bytes at {@code filePage}. */
  private byte[] freshData(int filePage) {
    byte[] data = new byte[(int) PAGE];
    if (filePage >= 0 && filePage < FILE_PAGES) {
      System.arraycopy(fileBytes, filePage * (int) PAGE, data, 0, (int) PAGE);
    }
    return data;
  }

  /** A grown tail of {@code pages} pages at {@code at}, with the attributes of {@code last}. */
  private void addTail(Proc p, MPage last, long at, int pages) {
    for (int i = 0; i < pages; i++) {
      int filePage = last.filePage < 0 ? -1 : last.filePage + 1 + i;
      MPage mp =
          new MPage(
              new Cell(freshData(filePage)),
              last.prot,
              last.maxProt,
              last.inh,
              last.shared,
              filePage);
      mp.wired = last.wired;
      p.pages.put(at + i * PAGE, mp);
    }
  }

  /** Every mapped page of every process, read whole, equals the model's bytes. */
  public void checkAllPages() {
    for (Proc p : procs) {
      for (Map.Entry<Long, MPage> e : p.pages.entrySet()) {
        long va = e.getKey();
        MPage mp = e.getValue();
        byte[] got = new byte[(int) PAGE];
        int r = p.vm.copyin(va, got, 0, got.length);
        if ((mp.prot & Prot.READ) == 0) {
          assertThat(r).isEqualTo(Errno.EFAULT);
          continue;
        }
        assertThat(r).isZero();
        assertThat(Arrays.equals(got, mp.cell.data)).as("page %x contents", va).isTrue();
      }
    }
  }

  /** Every process exits and the file (if any) is released. */
  public void exitAll() {
    while (!procs.isEmpty()) {
      release(procs.remove(procs.size() - 1));
    }
    if (file != null) {
      file.detach();
    }
  }
}
