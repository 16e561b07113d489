package org.uvm4j.uvm.amap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.uvm4j.uvm.map.VmMapEntry;

/** A list of map entries with NetBSD's clip semantics, standing in for VmMap in amap tests. */
final class TestMap implements AmapMap<VmMapEntry> {
  final TestServices svc;
  final List<VmMapEntry> entries = new ArrayList<>();
  final List<Long> clipStarts = new ArrayList<>();
  final List<Long> clipEnds = new ArrayList<>();

  /** Decides tryMergeCopying; by default nothing merges. */
  Predicate<VmMapEntry> merge = e -> false;

  TestMap(TestServices svc) {
    this.svc = svc;
  }

  VmMapEntry add(VmMapEntry e) {
    entries.add(e);
    entries.sort((a, b) -> Long.compare(a.start, b.start));
    return e;
  }

  private static VmMapEntry copyOf(VmMapEntry e) {
    VmMapEntry n = new VmMapEntry();
    n.start = e.start;
    n.end = e.end;
    n.aref.copyFrom(e.aref);
    n.object = e.object;
    n.offset = e.offset;
    n.etype = e.etype;
    n.protection = e.protection;
    n.maxProtection = e.maxProtection;
    n.inheritance = e.inheritance;
    n.advice = e.advice;
    n.wiredCount = e.wiredCount;
    return n;
  }

  @Override
  public void clipStart(VmMapEntry entry, long va) {
    clipStarts.add(va);
    VmMapEntry front = copyOf(entry);
    front.end = va;
    long adj = va - front.start;
    if (entry.aref.amap != null) {
      Amap.splitref(front.aref, entry.aref, adj);
    }
    entry.start = va;
    add(front);
  }

  @Override
  public void clipEnd(VmMapEntry entry, long va) {
    clipEnds.add(va);
    VmMapEntry back = copyOf(entry);
    back.start = va;
    long adj = va - entry.start;
    if (entry.aref.amap != null) {
      Amap.splitref(entry.aref, back.aref, adj);
    }
    entry.end = va;
    add(back);
  }

  @Override
  public boolean tryMergeCopying(VmMapEntry entry) {
    return merge.test(entry);
  }

  @Override
  public UvmServices services() {
    return svc;
  }
}
