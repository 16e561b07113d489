package org.uvm4j.uvm.amap;

import java.util.function.Consumer;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;

/**
 * The allocator behind amaps and anons: NB5's {@code uvm_amap_cache} and {@code uvm_anon_cache}
 * pools and the {@code kmem_alloc} of the slot, back-pointer, overlay and ppref arrays.
 *
 * <p>Allocation can be made to fail on purpose so that every NOWAIT and failure path of the seed
 * runs in tests: fail the n-th allocation from now, the next n, every allocation of one {@link
 * Kind}, or all of them. A NOWAIT request that fails returns null; a waiting request calls the
 * waiter ({@code uvm_wait}) and tries again, so a test that fails waiting requests must clear the
 * failure from its waiter. A request larger than {@link #maxElements()} can never be satisfied and
 * fails at once even when waiting (the caller treats it like a NOWAIT failure).
 *
 * <p>It also keeps the books: every allocation is counted live until freed, per kind, so tests can
 * check that nothing leaks and nothing is freed twice. What the allocations cost on the Java heap
 * is charged to the machine's {@link MetadataBudget}: amap and anon structures and the {@code
 * am_slots} list here (an amap or anon the budget cannot take is refused at once, waiting or not,
 * like a request no size class can satisfy), the chunks of the per-slot arrays by the arrays
 * themselves as they are written. It hands out the small ids that amaps and anons carry for
 * tracing. One allocator belongs to one machine; it is used by the CPU thread only.
 */
public final class AmapAllocator {
  /** What is being allocated. */
  public enum Kind {
    /** a {@code struct vm_amap} from the amap pool. */
    AMAP,
    /** an {@code am_slots} array. */
    SLOTS,
    /** an {@code am_bckptr} array. */
    BCKPTR,
    /** an {@code am_anon} array (the overlay). */
    OVERLAY,
    /** an {@code am_ppref} array. */
    PPREF,
    /** a {@code struct vm_anon} from the anon pool (uvm_analloc never waits). */
    ANON
  }

  /**
   * Default limit on the elements of one array: {@code Integer.MAX_VALUE} slots (8 TiB of address
   * space per amap, as OpenBSD's {@code slots > INT_MAX} check). The arrays are chunked and
   * allocated on first use, so the capacity costs no memory; tests lower the limit.
   */
  public static final int DEFAULT_MAX_ELEMENTS = Integer.MAX_VALUE;

  /**
   * Default {@link #flatSlots()}: 16, one chunk (OpenBSD keeps amaps of up to {@code
   * UVM_AMAP_CHUNK} slots flat and chunks the rest).
   */
  public static final int DEFAULT_FLAT_SLOTS = ChunkedSlots.CHUNK;

  /** First length of an {@code am_slots} list (it grows with the occupied slots). */
  static final int SLOT_LIST_INITIAL = 16;

  private static final Kind[] KINDS = Kind.values();

  /**
   * Estimated heap bytes of an amap: the structure (at most 96 B, {@code AmapLayoutTest}) and its
   * three per-slot array objects (their chunks are charged as they are allocated).
   */
  public static final long AMAP_BYTES = 96 + 3 * MetadataBudget.object(36);

  /** Estimated heap bytes of an anon (at most 40 B, {@code AmapLayoutTest}). */
  public static final long ANON_BYTES = 40;

  private final Consumer<String> waiter;
  private final int maxElements;
  private final MetadataBudget budget;

  private final long[] live = new long[KINDS.length];
  private final long[] liveElements = new long[KINDS.length];
  private final long[] allocated = new long[KINDS.length];

  private int nextAmapId = 1;
  private int nextAnonId = 1;

  private long attempts;
  private long failures;
  private long waits;
  private long failAtAttempt = -1;
  private long failNextCount;
  private boolean failAll;

  private int flatSlots = DEFAULT_FLAT_SLOTS;

  /**
   * Most children of a chunk tree's root ({@link ChunkedSlots#ROOT_FAN} unless a test sets less).
   */
  private int rootFan = ChunkedSlots.ROOT_FAN;

  private int failKinds;

  /**
   * Creates an allocator whose waiting requests call {@code waiter} (the machine's {@code
   * uvm_wait}) before each retry.
   */
  public AmapAllocator(Consumer<String> waiter) {
    this(waiter, DEFAULT_MAX_ELEMENTS);
  }

  /** As {@link #AmapAllocator(Consumer)}, with a limit on the elements of one array. */
  public AmapAllocator(Consumer<String> waiter, int maxElements) {
    this(waiter, maxElements, new MetadataBudget());
  }

  /** As {@link #AmapAllocator(Consumer, int)}, charging the heap it drives to {@code budget}. */
  public AmapAllocator(Consumer<String> waiter, int maxElements, MetadataBudget budget) {
    Kassert.check(waiter != null, "AmapAllocator: waiter must not be null");
    Kassert.check(maxElements > 0, "AmapAllocator: maxElements must be positive");
    Kassert.check(budget != null, "AmapAllocator: budget must not be null");
    this.waiter = waiter;
    this.maxElements = maxElements;
    this.budget = budget;
  }

  /** The budget this allocator and the arrays it hands out charge. */
  public MetadataBudget budget() {
    return budget;
  }

  // ---------------------------------------------------------------------------------------------
  // failure injection

  /** The {@code n}-th allocation attempt from now (1 = the next one) fails, once. */
  public void failNth(long n) {
    Kassert.check(n >= 1, "failNth: n must be >= 1");
    failAtAttempt = attempts + n;
  }

  /** The next {@code n} allocation attempts fail. */
  public void failNext(long n) {
    Kassert.check(n >= 0, "failNext: n must be >= 0");
    failNextCount = n;
  }

  /** While {@code on}, every allocation attempt fails. */
  public void failAll(boolean on) {
    failAll = on;
  }

  /** While {@code on}, every allocation attempt of {@code kind} fails. */
  public void failKind(Kind kind, boolean on) {
    if (on) {
      failKinds |= 1 << kind.ordinal();
    } else {
      failKinds &= ~(1 << kind.ordinal());
    }
  }

  /** Clears every injected failure. */
  public void clearFailures() {
    failAtAttempt = -1;
    failNextCount = 0;
    failAll = false;
    failKinds = 0;
  }

  /** Allocation attempts so far (a waiting request that retries counts each try). */
  public long attempts() {
    return attempts;
  }

  /** Attempts that failed so far (injected or too large). */
  public long failures() {
    return failures;
  }

  /** Times a waiting request called the waiter. */
  public long waits() {
    return waits;
  }

  /**
   * Per-slot arrays of up to this many slots are stored flat (one array of the capacity, allocated
   * on first write) instead of as a chunk tree; see {@link ChunkedSlots}.
   */
  public int flatSlots() {
    return flatSlots;
  }

  /**
   * {@code am_ppref} of up to this many slots (4,096: 16 KiB, a 16 MiB amap) is stored flat. The
   * runs of amap_pp_adjref's walk are read one after the other, each position given by the length
   * before it; in a chunk tree every 16-slot leaf boundary the walk crosses costs a lookup and a
   * mispredicted branch, which made it 2.1-2.6x slower than the seed's flat array (docs/amap.md,
   * "amap_pp_adjref on chunked ppref"). Per-page counts exist only once a partial reference does,
   * and a depth-1 tree of this size has a 1 KiB root (its leaves 80 B each), so below this size
   * flat costs at most 16 KiB and often less than a fragmented tree; larger amaps keep the lazy
   * chunk tree.
   */
  public static final int PPREF_FLAT_SLOTS = 4096;

  /**
   * The flat limit of an {@code am_ppref} array: {@link #flatSlots()}, at least {@link
   * #PPREF_FLAT_SLOTS}.
   */
  int pprefFlatSlots() {
    return Math.max(flatSlots, PPREF_FLAT_SLOTS);
  }

  /**
   * Sets {@link #flatSlots()} for amaps allocated from now on. {@code Integer.MAX_VALUE} gives the
   * seed's flat arrays for every amap (the baseline of {@code AmapSizeBench}); the default is
   * {@link #DEFAULT_FLAT_SLOTS}.
   */
  public void setFlatSlots(int n) {
    Kassert.check(n >= 0, "setFlatSlots: negative");
    flatSlots = n;
  }

  /** Most children of the root of the chunk trees of amaps allocated from now on. */
  int rootFan() {
    return rootFan;
  }

  /**
   * Sets {@link #rootFan()} for amaps allocated from now on: the default {@link
   * ChunkedSlots#ROOT_FAN} makes amaps of up to 65,536 slots one level deep; a smaller root (e.g.
   * 256, depth 2 from 4,097 slots) lets model tests run deep trees at sizes they can audit.
   */
  void setRootFan(int n) {
    Kassert.check(n >= 2 && n <= ChunkedSlots.ROOT_FAN, "setRootFan: out of range");
    rootFan = n;
  }

  /** Largest number of elements one array may have. */
  public int maxElements() {
    return maxElements;
  }

  // ---------------------------------------------------------------------------------------------
  // accounting

  /** Allocations of {@code kind} not freed yet. */
  public long live(Kind kind) {
    return live[kind.ordinal()];
  }

  /** Array elements of {@code kind} not freed yet (structs count one each). */
  public long liveElements(Kind kind) {
    return liveElements[kind.ordinal()];
  }

  /** Allocations of {@code kind} ever made. */
  public long allocated(Kind kind) {
    return allocated[kind.ordinal()];
  }

  /** Allocations of every kind not freed yet. */
  public long liveTotal() {
    long n = 0;
    for (long l : live) {
      n += l;
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // allocation

  /**
   * pool_cache_get(&uvm_amap_cache): reserves one amap structure.
   *
   * @return the new amap's id, or 0 when a NOWAIT request failed
   */
  int amapStruct(boolean nowait) {
    if (!take(Kind.AMAP, 1, nowait, "amappl")) {
      return 0;
    }
    if (!budget.tryCharge(AMAP_BYTES)) {
      undoTake(Kind.AMAP, 1);
      return 0;
    }
    return nextAmapId++;
  }

  /**
   * kmem_alloc of a per-slot int array of {@code kind} (BCKPTR or PPREF) with {@code n} slots; null
   * on failure. The array is chunked: its cells take memory only once written.
   */
  IntSlots ints(Kind kind, int n, boolean nowait) {
    Kassert.check(
        kind == Kind.BCKPTR || kind == Kind.PPREF, "AmapAllocator.ints: not a per-slot int kind");
    if (!take(kind, n, nowait, "kmem_alloc")) {
      return null;
    }
    return new IntSlots(n, kind == Kind.PPREF ? pprefFlatSlots() : flatSlots, rootFan, budget);
  }

  /**
   * kmem_alloc of an {@code am_slots} list for an amap of {@code n} slots, with room for at least
   * {@code atLeast} entries; null on failure. Counted as {@code n} elements (the seed's size); the
   * list itself starts small and grows with the occupied slots.
   */
  int[] slotList(int n, int atLeast, boolean nowait) {
    if (!take(Kind.SLOTS, n, nowait, "kmem_alloc")) {
      return null;
    }
    int len = Math.max(atLeast, Math.min(n, SLOT_LIST_INITIAL));
    if (!budget.tryCharge(slotListBytes(len))) {
      undoTake(Kind.SLOTS, n);
      return null;
    }
    return new int[len];
  }

  /** Estimated heap bytes of an {@code am_slots} list of {@code len} entries. */
  static long slotListBytes(int len) {
    return MetadataBudget.array(len, 4);
  }

  /** kmem_alloc of an overlay ({@code am_anon}) of {@code n} slots, chunked; null on failure. */
  AnonSlots overlay(int n, boolean nowait) {
    return take(Kind.OVERLAY, n, nowait, "kmem_alloc")
        ? new AnonSlots(n, flatSlots, rootFan, budget)
        : null;
  }

  /** pool_cache_get(&uvm_anon_cache, PR_NOWAIT): a blank anon, or null. Never waits. */
  Anon anonStruct() {
    if (!take(Kind.ANON, 1, true, "anonpl")) {
      return null;
    }
    if (!budget.tryCharge(ANON_BYTES)) {
      undoTake(Kind.ANON, 1);
      return null;
    }
    return new Anon(nextAnonId++);
  }

  /**
   * kmem_free / pool_cache_put: gives back an allocation of {@code kind} with {@code n} elements.
   */
  void free(Kind kind, int n) {
    if (kind == Kind.AMAP) {
      budget.release(AMAP_BYTES);
    } else if (kind == Kind.ANON) {
      budget.release(ANON_BYTES);
    }
    int k = kind.ordinal();
    Kassert.check(live[k] > 0, "AmapAllocator.free: more frees than allocations");
    live[k]--;
    liveElements[k] -= n;
    Kassert.check(liveElements[k] >= 0, "AmapAllocator.free: freed more elements than allocated");
  }

  /**
   * kmem_free of an {@code am_slots} list counted as {@code n} elements whose array is {@code
   * list}.
   */
  void freeSlotList(int n, int[] list) {
    free(Kind.SLOTS, n);
    budget.release(slotListBytes(list.length));
  }

  /** kmem_free of a per-slot array of {@code kind} with {@code n} slots: its chunks too. */
  void free(Kind kind, int n, ChunkedSlots storage) {
    free(kind, n);
    storage.release();
  }

  /** The {@code am_slots} list {@code list} grows to {@code list2} (heap charged, cannot fail). */
  void slotListGrown(int[] list, int[] list2) {
    budget.charge(slotListBytes(list2.length) - slotListBytes(list.length));
  }

  /** Takes back a successful {@link #take} whose budget charge was refused (counted a failure). */
  private void undoTake(Kind kind, int n) {
    int k = kind.ordinal();
    live[k]--;
    liveElements[k] -= n;
    allocated[k]--;
    failures++;
  }

  private boolean take(Kind kind, int n, boolean nowait, String wmsg) {
    Kassert.check(n >= 0, "AmapAllocator: negative size");
    for (; ; ) {
      attempts++;
      if (n > maxElements) {
        failures++;
        return false;
      }
      if (!injectedFailure(kind)) {
        int k = kind.ordinal();
        live[k]++;
        liveElements[k] += n;
        allocated[k]++;
        return true;
      }
      failures++;
      if (nowait) {
        return false;
      }
      waits++;
      waiter.accept(wmsg);
    }
  }

  private boolean injectedFailure(Kind kind) {
    boolean fail = failAll || (failKinds & (1 << kind.ordinal())) != 0;
    if (attempts == failAtAttempt) {
      failAtAttempt = -1;
      fail = true;
    }
    if (failNextCount > 0) {
      failNextCount--;
      fail = true;
    }
    return fail;
  }
}
