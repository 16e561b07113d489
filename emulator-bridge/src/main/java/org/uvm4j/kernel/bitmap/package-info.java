/**
 * Linux's bitmaps ({@code include/linux/bitmap.h}, {@code lib/bitmap.c}) as one immutable value,
 * {@link org.uvm4j.kernel.bitmap.Bitmap}, backed by {@link java.util.BitSet}: the shared
 * implementation of the CPU masks ({@code kernel.CpuMask}, {@code struct cpumask}) and the node
 * masks ({@code kernel.mempolicy.Nodemask}, {@code nodemask_t}).
 *
 * <p>Invariant: every value here is immutable.
 *
 * <p>Layer 0 of docs/design.md ("Layering: the kernel"), below every other kernel package: imports
 * only {@code java.*}.
 */
package org.uvm4j.kernel.bitmap;
