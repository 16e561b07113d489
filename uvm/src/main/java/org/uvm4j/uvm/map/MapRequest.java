package org.uvm4j.uvm.map;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * One request to map memory, in NetBSD's terms: the arguments of {@code uvm_map(map, &startp, size,
 * uobj, uoffset, align, UVM_MAPFLAG(prot, maxprot, inh, advice, flags))} plus what {@code uvm_mmap}
 * adds (wiring and populating the new range). Built from a private anonymous request with the
 * {@code with…}/option methods; {@link Vmspace#mmap(MapRequest)} checks it.
 *
 * <p>Invariants are {@link Vmspace#mmap(MapRequest)}'s to check (bad values give an errno, not an
 * exception here), except that {@link #placement} is never null. A null {@link #inheritance} means
 * the default of the mapping's kind: {@link Inheritance#SHARE} for shared mappings, {@link
 * Inheritance#COPY} for private ones.
 *
 * @param addr the address: a hint or the fixed start, per {@link #placement}
 * @param size bytes; rounded up to whole pages
 * @param prot initial protection ({@link Prot} bits)
 * @param maxProt maximum protection; {@code prot} must lie within it (EACCES otherwise)
 * @param placement hint, fixed or fixed-noreplace
 * @param inheritance what a child gets at fork, or null for the kind's default
 * @param advice paging advice ({@link Advice})
 * @param object the object mapped, or null for anonymous memory
 * @param offset byte offset into {@code object} (page aligned; 0 for anonymous memory)
 * @param shared shared ({@code UVM_INH_SHARE}, writes seen by every sharer) rather than private
 *     copy-on-write ({@code UVM_FLAG_COPYONW})
 * @param wired wire the new range at once ({@code uvm_map_pageable}), as mlock would
 * @param populate fault every page in at once, without wiring
 */
public record MapRequest(
    long addr,
    long size,
    int prot,
    int maxProt,
    Placement placement,
    Inheritance inheritance,
    int advice,
    UvmObject object,
    long offset,
    boolean shared,
    boolean wired,
    boolean populate) {

  /** Checks that {@code placement} is set; everything else is checked by the map operation. */
  public MapRequest {
    if (placement == null) {
      throw new IllegalArgumentException("placement is required");
    }
  }

  /**
   * A private anonymous copy-on-write mapping of {@code size} bytes anywhere, maximum protection
   * {@link Prot#ALL}, default inheritance, normal advice, neither wired nor populated.
   */
  public static MapRequest anon(long size, int prot) {
    return new MapRequest(
        0, size, prot, Prot.ALL, Placement.HINT, null, Advice.NORMAL, null, 0, false, false, false);
  }

  /** This request placed at {@code addr} as {@code placement}. */
  public MapRequest at(long addr, Placement placement) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request with the address {@code addr} as a hint ({@link Placement#HINT}). */
  public MapRequest hint(long addr) {
    return at(addr, Placement.HINT);
  }

  /** This request at exactly {@code addr}, replacing what is mapped there. */
  public MapRequest fixed(long addr) {
    return at(addr, Placement.FIXED);
  }

  /** This request at exactly {@code addr}, which must be free. */
  public MapRequest fixedNoReplace(long addr) {
    return at(addr, Placement.FIXED_NOREPLACE);
  }

  /** This request mapping {@code object} from byte {@code offset} (null: anonymous memory). */
  public MapRequest withObject(UvmObject object, long offset) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request shared ({@code true}) or private copy-on-write ({@code false}). */
  public MapRequest withShared(boolean shared) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request with maximum protection {@code maxProt}. */
  public MapRequest withMaxProt(int maxProt) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request with inheritance {@code inheritance} (null: the kind's default). */
  public MapRequest withInheritance(Inheritance inheritance) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request with paging advice {@code advice} ({@link Advice}). */
  public MapRequest withAdvice(int advice) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request wired ({@code true}) or not. */
  public MapRequest withWired(boolean wired) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** This request populated at once ({@code true}) or on demand. */
  public MapRequest withPopulate(boolean populate) {
    return new MapRequest(
        addr,
        size,
        prot,
        maxProt,
        placement,
        inheritance,
        advice,
        object,
        offset,
        shared,
        wired,
        populate);
  }

  /** The inheritance the mapping gets: {@link #inheritance}, or the kind's default when null. */
  public Inheritance effectiveInheritance() {
    if (inheritance != null) {
      return inheritance;
    }
    return shared ? Inheritance.SHARE : Inheritance.COPY;
  }
}
