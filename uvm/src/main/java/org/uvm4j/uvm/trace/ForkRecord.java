package org.uvm4j.uvm.trace;

/**
 * The trace record of one uvmspace_fork, made by comparing the parent's and the child's maps right
 * after the fork: the parent's entries by inheritance, what happened to their amaps, and the pages
 * the child got private copies of at once ({@code amap_cow_now} for wired entries, and the copies
 * made for amaps the parent shares with other processes).
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
 * @param costNanos host time the fork took
 */
public record ForkRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int entries,
    int inheritShare,
    int inheritCopy,
    int inheritNone,
    int inheritZero,
    int amapsShared,
    int amapsReferenced,
    int amapsCopied,
    int pagesCopied,
    int childEntries,
    long costNanos)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.FORK;
  }

  @Override
  public void fields(FieldSink out) {
    out.number("entries", entries);
    out.number("inherit_share", inheritShare);
    out.number("inherit_copy", inheritCopy);
    out.number("inherit_none", inheritNone);
    out.number("inherit_zero", inheritZero);
    out.number("amaps_shared", amapsShared);
    out.number("amaps_referenced", amapsReferenced);
    out.number("amaps_copied", amapsCopied);
    out.number("pages_copied", pagesCopied);
    out.number("child_entries", childEntries);
    out.number("cost_ns", costNanos);
  }
}
