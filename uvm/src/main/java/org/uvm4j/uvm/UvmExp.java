package org.uvm4j.uvm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The VM system's counters ({@code struct uvmexp}), with NetBSD's field names.
 *
 * <p>Event counters only grow; gauges (marked so) follow the state they describe and are kept by
 * the code that changes it ({@code PhysMem}, {@code PageQueues}, swap). The fields are plain {@code
 * long}s written without synchronisation by the single CPU thread (cheap on the fault path); a
 * reader on another thread sees values that are at worst slightly stale.
 */
public final class UvmExp {
  /** gauge: managed frames (frame 0 excluded). */
  public long npages;

  /** gauge: frames on the free list. */
  public long free;

  /** gauge: pages on the active queue. */
  public long active;

  /** gauge: pages on the inactive queue. */
  public long inactive;

  /** gauge: wired pages. */
  public long wired;

  /** gauge: resident pages owned by anons. */
  public long anonpages;

  /** gauge: resident pages owned by file objects. */
  public long filepages;

  /**
   * gauge: resident pages owned by anonymous objects ({@code uvm_aobj}: tmpfs, memfd, shm). NetBSD
   * counts them in {@code anonpages}; they are kept apart here so each gauge has one owner kind.
   */
  public long aobjpages;

  /** gauge: live anonymous objects ({@code uao_list}'s length). */
  public long aobjs;

  /** tunable: the page daemon keeps at least this many frames free (uvmpd_tune). */
  public long freemin;

  /** tunable: the page daemon frees frames up to this target (uvmpd_tune). */
  public long freetarg;

  /** uvm_fault calls (not TLB fills). */
  public long faults;

  /** faults that found no free frame (uvm_wait or OOM). */
  public long fltnoram;

  /** faults that could not allocate an anon. */
  public long fltnoanon;

  /** faults that could not allocate an amap (amap_copy failed). */
  public long fltnoamap;

  /** faults refused at once because the metadata budget ({@code MetadataBudget}) is exhausted. */
  public long fltnometa;

  /** faults that slept on a busy page. */
  public long fltpgwait;

  /** faults that found a released page. */
  public long fltpgrele;

  /** faults that had to relock after a sleep. */
  public long fltrelck;

  /** relocks that found the map unchanged. */
  public long fltrelckok;

  /** anon lookups through uvmfault_anonget. */
  public long fltanget;

  /** anonget retries. */
  public long fltanretry;

  /** faults that ran amap_copy (needs-copy resolved). */
  public long fltamcopy;

  /** neighbouring anon pages mapped. */
  public long fltnamap;

  /** neighbouring object pages mapped. */
  public long fltnomap;

  /** object lookups of resident pages (pgo_get PGO_LOCKED). */
  public long fltlget;

  /** object page-ins (pgo_get synchronous). */
  public long fltget;

  /** faults resolved on an existing anon (case 1). */
  public long flt_anon;

  /** copy-on-write of an anon page (case 1B). */
  public long flt_acow;

  /** faults resolved on an object page mapped directly (case 2A). */
  public long flt_obj;

  /** object pages promoted to an anon by copy (case 2B). */
  public long flt_prcopy;

  /** zero-fill promotions (case 2B without an object page). */
  public long flt_przero;

  /** pages read in from swap. */
  public long pageins;

  /** swap-in operations. */
  public long pgswapin;

  /** pages written out to swap. */
  public long pgswapout;

  /** times uvm_wait woke the page daemon. */
  public long pdwoke;

  /** page-daemon clock hand revolutions. */
  public long pdrevs;

  /** pages scanned by the page daemon. */
  public long pdscans;

  /** pages freed by the page daemon. */
  public long pdfreed;

  /** page-outs started by the page daemon. */
  public long pdpageouts;

  /** pages reactivated by the page daemon (referenced). */
  public long pdreact;

  /** busy pages the page daemon skipped. */
  public long pdbusy;

  /** pages deactivated by the page daemon. */
  public long pddeact;

  /** gauge: swap slots configured. */
  public long swpages;

  /** gauge: swap slots usable (not disabled). */
  public long swpgavail;

  /** gauge: swap slots allocated. */
  public long swpginuse;

  /** gauge: pages whose only copy is in swap. */
  public long swpgonly;

  /** gauge: swap slots marked bad after an I/O error. */
  public long swpgbad;

  /**
   * Swap reads whose page did not match the CRC32C recorded when it was written (the file changed
   * behind uvm4j's back); each is also an I/O error, so its slot is counted in {@link #swpgbad}.
   */
  public long swpgcorrupt;

  /** uvmspace_fork calls. */
  public long forks;

  /** forks that shared the address space (vfork). */
  public long forks_sharevm;

  /** Pmap.tlbLookup calls (TLB misses answered from the pmap). */
  public long tlbfills;

  /** TLB invalidations the machine performed. */
  public long tlbflushes;

  /** frames zero-filled (pmap_zero_page); NetBSD counts pre-zeroed free pages here. */
  public long zeropages;

  /** frames copied (pmap_copy_page through uvm_pagecopy). */
  public long cowpages;

  /** All counters by their NetBSD name, in a fixed order (the order of the fields above). */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("npages", npages);
    m.put("free", free);
    m.put("active", active);
    m.put("inactive", inactive);
    m.put("wired", wired);
    m.put("anonpages", anonpages);
    m.put("filepages", filepages);
    m.put("aobjpages", aobjpages);
    m.put("aobjs", aobjs);
    m.put("freemin", freemin);
    m.put("freetarg", freetarg);
    m.put("faults", faults);
    m.put("fltnoram", fltnoram);
    m.put("fltnoanon", fltnoanon);
    m.put("fltnoamap", fltnoamap);
    m.put("fltnometa", fltnometa);
    m.put("fltpgwait", fltpgwait);
    m.put("fltpgrele", fltpgrele);
    m.put("fltrelck", fltrelck);
    m.put("fltrelckok", fltrelckok);
    m.put("fltanget", fltanget);
    m.put("fltanretry", fltanretry);
    m.put("fltamcopy", fltamcopy);
    m.put("fltnamap", fltnamap);
    m.put("fltnomap", fltnomap);
    m.put("fltlget", fltlget);
    m.put("fltget", fltget);
    m.put("flt_anon", flt_anon);
    m.put("flt_acow", flt_acow);
    m.put("flt_obj", flt_obj);
    m.put("flt_prcopy", flt_prcopy);
    m.put("flt_przero", flt_przero);
    m.put("pageins", pageins);
    m.put("pgswapin", pgswapin);
    m.put("pgswapout", pgswapout);
    m.put("pdwoke", pdwoke);
    m.put("pdrevs", pdrevs);
    m.put("pdscans", pdscans);
    m.put("pdfreed", pdfreed);
    m.put("pdpageouts", pdpageouts);
    m.put("pdreact", pdreact);
    m.put("pdbusy", pdbusy);
    m.put("pddeact", pddeact);
    m.put("swpages", swpages);
    m.put("swpgavail", swpgavail);
    m.put("swpginuse", swpginuse);
    m.put("swpgonly", swpgonly);
    m.put("swpgbad", swpgbad);
    m.put("swpgcorrupt", swpgcorrupt);
    m.put("forks", forks);
    m.put("forks_sharevm", forks_sharevm);
    m.put("tlbfills", tlbfills);
    m.put("tlbflushes", tlbflushes);
    m.put("zeropages", zeropages);
    m.put("cowpages", cowpages);
    return m;
  }
}
