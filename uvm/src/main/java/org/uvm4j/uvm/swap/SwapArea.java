package org.uvm4j.uvm.swap;

import java.util.BitSet;

/**
 * One swap area: a {@link SwapDevice} as configured by {@code swapOn} ({@code struct swapdev}'s
 * state side): the device doing the I/O, its priority, its window {@code [drumOffset, drumOffset +
 * pages)} in the global slot space ("the drum"), and its slot state. The name says which half of
 * NetBSD's {@code swapdev} this is: {@code SwapDevice} moves bytes, {@code SwapArea} allocates
 * slots.
 *
 * <p>Invariants (under the manager's data lock): {@code bad ⊆ inUse}, {@code only ⊆ inUse \ bad},
 * {@code npginuse == |inUse|}, {@code npgbad == |bad|}.
 */
public final class SwapArea {
  final SwapDevice device;
  final int priority;
  final int drumOffset;
  final int npages;

  /** swd_blist: allocated slots (device-relative). */
  final BitSet inUse;

  /** Slots marked bad by an I/O error; allocated forever. */
  final BitSet bad;

  /** Slots holding the only copy of their data (counted in swpgonly). */
  final BitSet only;

  /** CRC32C of every page written and not freed since (verified on read). */
  final SlotChecksums sums;

  /** Next-fit rotor for cluster allocation. */
  int rotor;

  int npginuse;
  int npgbad;
  boolean enabled = true;
  boolean removed;

  SwapArea(SwapDevice device, int priority, int drumOffset) {
    this.device = device;
    this.priority = priority;
    this.drumOffset = drumOffset;
    this.npages = device.pages();
    this.inUse = new BitSet(npages);
    this.bad = new BitSet(npages);
    this.only = new BitSet(npages);
    this.sums = new SlotChecksums(npages);
  }

  /** The I/O device. */
  public SwapDevice device() {
    return device;
  }

  /** Allocation priority (higher first). */
  public int priority() {
    return priority;
  }

  /** First drum slot of the device. */
  public int drumOffset() {
    return drumOffset;
  }

  /** Number of slots. */
  public int pages() {
    return npages;
  }

  /** Whether drum slot {@code slot} lies on this device. */
  public boolean contains(int slot) {
    return slot >= drumOffset && slot - drumOffset < npages;
  }

  /**
   * blist_alloc with next-fit: {@code n} contiguous free slots starting at or after the rotor,
   * wrapping once; returns the device-relative start or -1.
   */
  int allocRun(int n) {
    int start = findRun(rotor, npages, n);
    if (start < 0) {
      start = findRun(0, Math.min(npages, rotor + n - 1), n);
    }
    if (start >= 0) {
      inUse.set(start, start + n);
      npginuse += n;
      rotor = start + n == npages ? 0 : start + n;
    }
    return start;
  }

  private int findRun(int from, int to, int n) {
    int i = inUse.nextClearBit(from);
    while (i + n <= to) {
      int set = inUse.nextSetBit(i);
      if (set < 0 || set >= i + n) {
        return i;
      }
      i = inUse.nextClearBit(set + 1);
    }
    return -1;
  }

  @Override
  public String toString() {
    return "SwapArea["
        + device.name()
        + " pri="
        + priority
        + " drum=["
        + drumOffset
        + ","
        + ((long) drumOffset + npages)
        + ") inuse="
        + npginuse
        + " bad="
        + npgbad
        + (enabled ? "" : " disabled")
        + "]";
  }
}
