package org.uvm4j.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * Test fixture: an address space made of a pmap and a table of allowed regions, with a fault
 * resolver that zero-fills a fresh frame for any page inside a region whose protection allows the
 * access (a miniature uvm_fault for bridge tests that need no maps or amaps).
 */
final class TestSpace implements FaultResolver {
  final Uvm uvm;
  final PhysMem phys;
  final Pmap pmap;
  final TreeMap<Long, long[]> regions = new TreeMap<>(); // start -> {end, prot}
  final List<String> faults = new ArrayList<>();
  FaultResolver extra;

  TestSpace(Uvm uvm) {
    this.uvm = uvm;
    this.phys = uvm.physMem();
    this.pmap = new Pmap(uvm.physMem(), uvm.exp());
  }

  void allow(long start, long len, int prot) {
    regions.put(start, new long[] {start + len, prot});
  }

  void forbid(long start) {
    regions.remove(start);
  }

  /** Maps a fresh frame at {@code va} holding {@code bytes} at offset {@code off}. */
  VmPage code(long va, int off, int... bytes) {
    VmPage pg = phys.alloc();
    phys.zero(pg);
    write(pg, off, bytes);
    pmap.enter(va, pg, Prot.RX, false);
    return pg;
  }

  void write(VmPage pg, int off, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    phys.write(pg, off, b, 0, b.length);
  }

  int readInt(long va) {
    VmPage pg = pmap.extract(va & ~0xfffL);
    return phys.frameBuffer(pg).getInt((int) (va & 0xfff));
  }

  @Override
  public FaultResult fault(long va, int access) {
    faults.add(Long.toHexString(va) + ":" + Prot.toString(access));
    if (extra != null) {
      FaultResult r = extra.fault(va, access);
      if (r != FaultResult.OK) {
        return r;
      }
    }
    var e = regions.floorEntry(va);
    if (e == null || va >= e.getValue()[0]) {
      return FaultResult.SEGV_MAPERR;
    }
    int prot = (int) e.getValue()[1];
    if ((prot & access) != access) {
      return FaultResult.SEGV_ACCERR;
    }
    long page = va & ~0xfffL;
    if (pmap.extract(page) == null) {
      VmPage pg = phys.alloc();
      if (pg == null) {
        return FaultResult.OOM;
      }
      phys.zero(pg);
      pmap.enter(page, pg, prot, false);
    } else {
      pmap.enter(page, pmap.extract(page), prot, false);
    }
    return FaultResult.OK;
  }
}
