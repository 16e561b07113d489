package org.uvm4j.uvm;

/**
 * NetBSD's {@code KASSERT}, always on: {@link #check} throws a {@link UvmPanic} naming the broken
 * invariant unless its condition holds.
 *
 * <p>Why not a static method of {@link UvmPanic}: HotSpot's C2 never inlines a method whose class
 * is a {@code Throwable} into a caller whose class is not ("exception method", {@code
 * InlineTree::should_not_inline} in {@code bytecodeInfo.cpp}), so each of the hundreds of checks on
 * the amap and fault paths was a real call. Here the check inlines to a compare and a branch; only
 * the failure, never taken in a correct kernel, is out of line.
 */
public final class Kassert {
  private Kassert() {}

  /**
   * KASSERT: throws a {@link UvmPanic} naming {@code what} unless {@code condition} holds.
   *
   * @param condition the asserted condition
   * @param what a constant description of the invariant (no formatting on the fast path)
   */
  public static void check(boolean condition, String what) {
    if (!condition) {
      throw failed(what);
    }
  }

  /** The panic of a failed check (kept out of {@link #check}, which stays small). */
  private static UvmPanic failed(String what) {
    return new UvmPanic("KASSERT failed: " + what);
  }
}
