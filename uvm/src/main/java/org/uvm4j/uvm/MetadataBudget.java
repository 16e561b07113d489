package org.uvm4j.uvm;

/**
 * The byte budget of host (Java heap) memory that guests drive through the VM system's metadata:
 * amap structures and their slot chunks, anons, map entries, page tables and pv entries. Every
 * layer that allocates such metadata {@linkplain #charge charges} its estimated size here and
 * {@linkplain #release releases} it when the structure is dropped, so {@link #used()} is the
 * metadata live now (0 once every address space is freed).
 *
 * <p>The budget only counts and answers questions; it never throws. Allocation points that can fail
 * (an amap or anon from the pool, which NetBSD allocates with {@code PR_NOWAIT} or after {@code
 * uvm_wait}) ask {@link #tryCharge}, which refuses what would cross the {@link #limit()}. Those
 * that cannot fail in NetBSD either (a page-table page under {@code pmap_enter}, an amap chunk
 * filled by {@code amap_add}) always charge and may overshoot the limit by one operation's worth;
 * the fault handler refuses to start a fault once {@link #exhausted()}. System calls (the kernel)
 * ask {@link #allows} with a reserve, so that they fail with ENOMEM before faults run out.
 *
 * <p>Sizes are estimates of the JVM's object layout with compressed references (see {@link
 * #array}); exactness matters only in that every charge has its release. Used by the machine's
 * single CPU thread; fields are plain (another thread reads values at worst slightly stale).
 */
public final class MetadataBudget {
  /** No limit. */
  public static final long UNLIMITED = Long.MAX_VALUE;

  private long used;
  private long kernelUsed;
  private long peak;
  private long limit = UNLIMITED;
  private long refused;

  /** Bytes charged and not released. */
  public long used() {
    return used;
  }

  /** The largest {@link #used()} so far. */
  public long peak() {
    return peak;
  }

  /** The limit in bytes ({@link #UNLIMITED} for none). */
  public long limit() {
    return limit;
  }

  /** Sets the limit (bytes, positive; {@link #UNLIMITED} for none). */
  public void setLimit(long bytes) {
    Kassert.check(bytes > 0, "metadata budget: the limit must be positive");
    limit = bytes;
  }

  /**
   * Requests refused so far ({@link #tryCharge} and, counted by their callers, {@link #allows}).
   */
  public long refused() {
    return refused;
  }

  /** Counts a refusal decided by a caller of {@link #allows}. */
  public void noteRefused() {
    refused++;
  }

  /** True when {@code bytes} more stay within the limit less {@code reserve}. */
  public boolean allows(long bytes, long reserve) {
    return used + bytes <= limit - Math.min(reserve, limit);
  }

  /** True once the limit is reached: the fault handler resolves no more faults (OOM). */
  public boolean exhausted() {
    return used >= limit;
  }

  /** Charges {@code bytes} unconditionally (an allocation that cannot fail). */
  public void charge(long bytes) {
    used += bytes;
    if (used > peak) {
      peak = used;
    }
  }

  /** Charges {@code bytes} if they fit under the limit; counts a refusal otherwise. */
  public boolean tryCharge(long bytes) {
    if (used + bytes > limit) {
      refused++;
      return false;
    }
    charge(bytes);
    return true;
  }

  /**
   * Charges {@code bytes} of the kernel's own guest-driven buffers (pipe rings): part of {@link
   * #used()}, kept apart in {@link #kernelUsed()} because the VM system's audit cannot see them.
   */
  public void chargeKernel(long bytes) {
    kernelUsed += bytes;
    charge(bytes);
  }

  /** Gives back {@code bytes} charged with {@link #chargeKernel}. */
  public void releaseKernel(long bytes) {
    kernelUsed -= bytes;
    Kassert.check(kernelUsed >= 0, "metadata budget: released more kernel bytes than charged");
    release(bytes);
  }

  /** The part of {@link #used()} charged by the kernel ({@link #chargeKernel}). */
  public long kernelUsed() {
    return kernelUsed;
  }

  /** Gives back {@code bytes} charged earlier. */
  public void release(long bytes) {
    used -= bytes;
    Kassert.check(used >= 0, "metadata budget: released more than was charged");
  }

  // ---------------------------------------------------------------------------------------------
  // size estimates (compressed references: 12-byte object header, 16-byte array header, 4-byte
  // references, objects 8-byte aligned)

  /** Estimated bytes of an array of {@code n} elements of {@code elementBytes} each. */
  public static long array(long n, int elementBytes) {
    return align(16 + n * elementBytes);
  }

  /** Estimated bytes of an object of {@code fieldBytes} of fields. */
  public static long object(int fieldBytes) {
    return align(12 + fieldBytes);
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
