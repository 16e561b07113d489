package org.uvm4j.uvm.observe;

/**
 * What one uvmspace_fork did, found by comparing the parent's and the child's maps right after the
 * fork: the parent's entries by inheritance, what happened to their amaps, and the pages the child
 * got private copies of at once ({@code amap_cow_now} for wired entries, and the copies made for
 * amaps the parent shares with other processes).
 *
 * @param entries the parent's map entries
 * @param inheritShare entries inherited SHARE
 * @param inheritCopy entries inherited COPY
 * @param inheritNone entries inherited NONE (the child has nothing there)
 * @param inheritZero entries inherited ZERO (fresh zero-fill memory in the child)
 * @param amapsShared SHARE entries whose amap both now reference, flagged AMAP_SHARED
 * @param amapsReferenced COPY entries whose amap the child references with needs-copy
 * @param amapsCopied COPY entries whose amap was copied at fork (wired or shared parent entries)
 * @param pagesCopied pages the child got a private copy of during the fork
 * @param childEntries the child's map entries
 */
public record ForkCensus(
    int entries,
    int inheritShare,
    int inheritCopy,
    int inheritNone,
    int inheritZero,
    int amapsShared,
    int amapsReferenced,
    int amapsCopied,
    int pagesCopied,
    int childEntries) {}
