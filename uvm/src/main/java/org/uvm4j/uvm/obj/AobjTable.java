package org.uvm4j.uvm.obj;

import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.page.VmPage;

/**
 * The per-page state of an anonymous object: its resident page and its swap slot, by page index
 * (the role of {@code uvm_aobj}'s {@code u_swslots} array / {@code u_swhash} table, plus the
 * object's page tree). Sparse: pages are kept in chunks of {@value #CHUNK} indexes, allocated on
 * first use and dropped when empty, so a large, mostly empty object (a tmpfs file with holes, a
 * memfd of a huge size) costs only what it holds. Lookups allocate nothing.
 *
 * <p>Invariants: {@link #residentCount()} and {@link #slotCount()} are the number of indexes with a
 * page and with a non-zero slot; {@link #bytes()} is the estimated heap of the directory and the
 * chunks, charged to the machine's {@link MetadataBudget} (the directory, which only grows, until
 * {@link #release()}). Not locked itself: its owner's object lock protects it.
 */
final class AobjTable {
  static final int CHUNK_SHIFT = 9;
  static final int CHUNK = 1 << CHUNK_SHIFT;

  private static final class Chunk {
    final VmPage[] pages = new VmPage[CHUNK];
    final int[] slots = new int[CHUNK];
    int used; // indexes with a page or a slot
  }

  /** Estimated bytes of a chunk: the object and its two arrays. */
  static final long CHUNK_BYTES =
      MetadataBudget.object(8) + MetadataBudget.array(CHUNK, 4) + MetadataBudget.array(CHUNK, 4);

  private Chunk[] dir = new Chunk[4];
  private int resident;
  private int slots;
  private final MetadataBudget budget;
  private long bytes;

  AobjTable(MetadataBudget budget) {
    this.budget = budget;
    charge(MetadataBudget.array(dir.length, 4));
  }

  private void charge(long n) {
    bytes += n;
    budget.charge(n);
  }

  /** Estimated heap bytes of the directory and the chunks. */
  long bytes() {
    return bytes;
  }

  /** What {@link #chunkForWrite} of {@code idx} would allocate now (0 if its chunk exists). */
  long bytesToAdd(int idx) {
    int c = idx >>> CHUNK_SHIFT;
    if (c < dir.length) {
      return dir[c] == null ? CHUNK_BYTES : 0;
    }
    int n = dir.length;
    while (n <= c) {
      n = n * 2 < 0 ? Integer.MAX_VALUE : n * 2;
    }
    return CHUNK_BYTES + MetadataBudget.array(n, 4) - MetadataBudget.array(dir.length, 4);
  }

  /** Gives the directory's bytes back (the object is freed: every chunk is gone already). */
  void release() {
    Kassert.check(resident == 0 && slots == 0, "aobj table: released while holding pages or slots");
    budget.release(bytes);
    bytes = 0;
  }

  /** Indexes with a resident page. */
  int residentCount() {
    return resident;
  }

  /** Indexes with a non-zero swap slot. */
  int slotCount() {
    return slots;
  }

  private Chunk chunk(int idx) {
    int c = idx >>> CHUNK_SHIFT;
    return c < dir.length ? dir[c] : null;
  }

  private Chunk chunkForWrite(int idx) {
    Kassert.check(idx >= 0, "aobj table: negative page index");
    int c = idx >>> CHUNK_SHIFT;
    if (c >= dir.length) {
      int n = dir.length;
      while (n <= c) {
        n = n * 2 < 0 ? Integer.MAX_VALUE : n * 2;
      }
      Chunk[] grown = new Chunk[n];
      System.arraycopy(dir, 0, grown, 0, dir.length);
      charge(MetadataBudget.array(n, 4) - MetadataBudget.array(dir.length, 4));
      dir = grown;
    }
    Chunk ch = dir[c];
    if (ch == null) {
      ch = new Chunk();
      dir[c] = ch;
      charge(CHUNK_BYTES);
    }
    return ch;
  }

  private void dropIfEmpty(int idx, Chunk ch) {
    if (ch.used == 0) {
      dir[idx >>> CHUNK_SHIFT] = null;
      bytes -= CHUNK_BYTES;
      budget.release(CHUNK_BYTES);
    }
  }

  /** The resident page at {@code idx}, or null. */
  VmPage page(int idx) {
    Chunk ch = chunk(idx);
    return ch == null ? null : ch.pages[idx & (CHUNK - 1)];
  }

  /** The swap slot at {@code idx}, 0 if none. */
  int slot(int idx) {
    Chunk ch = chunk(idx);
    return ch == null ? 0 : ch.slots[idx & (CHUNK - 1)];
  }

  /** Sets the page at {@code idx} (null removes it). */
  void setPage(int idx, VmPage pg) {
    if (pg == null && chunk(idx) == null) {
      return;
    }
    Chunk ch = chunkForWrite(idx);
    int i = idx & (CHUNK - 1);
    VmPage old = ch.pages[i];
    boolean wasUsed = old != null || ch.slots[i] != 0;
    ch.pages[i] = pg;
    resident += (pg != null ? 1 : 0) - (old != null ? 1 : 0);
    boolean isUsed = pg != null || ch.slots[i] != 0;
    ch.used += (isUsed ? 1 : 0) - (wasUsed ? 1 : 0);
    dropIfEmpty(idx, ch);
  }

  /** Sets the slot at {@code idx} (0 clears it); returns the old one. */
  int setSlot(int idx, int slot) {
    if (slot == 0 && chunk(idx) == null) {
      return 0;
    }
    Chunk ch = chunkForWrite(idx);
    int i = idx & (CHUNK - 1);
    int old = ch.slots[i];
    boolean wasUsed = ch.pages[i] != null || old != 0;
    ch.slots[i] = slot;
    slots += (slot != 0 ? 1 : 0) - (old != 0 ? 1 : 0);
    boolean isUsed = ch.pages[i] != null || slot != 0;
    ch.used += (isUsed ? 1 : 0) - (wasUsed ? 1 : 0);
    dropIfEmpty(idx, ch);
    return old;
  }

  /** What {@link #forEach} reports: an index with a page, a slot, or both. */
  @FunctionalInterface
  interface Visitor {
    void visit(int idx, VmPage pg, int slot);
  }

  /**
   * Calls {@code v} for every index in {@code [from, to)} with a page or a slot, ascending. The
   * visitor may change the entry it is given (not others).
   */
  void forEach(int from, int to, Visitor v) {
    if (from >= to) {
      return;
    }
    for (int c = from >>> CHUNK_SHIFT; c < dir.length && ((long) c << CHUNK_SHIFT) < to; c++) {
      Chunk ch = dir[c];
      if (ch == null) {
        continue;
      }
      int base = c << CHUNK_SHIFT;
      for (int i = Math.max(0, from - base); i < CHUNK && base + i < to; i++) {
        VmPage pg = ch.pages[i];
        int s = ch.slots[i];
        if (pg != null || s != 0) {
          v.visit(base + i, pg, s);
          if (dir[c] != ch) {
            break; // the visitor emptied the chunk
          }
        }
      }
    }
  }

  /** Every index with a page or slot ({@link #forEach} over all). */
  void forEach(Visitor v) {
    forEach(0, Integer.MAX_VALUE, v);
  }
}
