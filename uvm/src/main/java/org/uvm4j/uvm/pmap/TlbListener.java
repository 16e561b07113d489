package org.uvm4j.uvm.pmap;

/**
 * Told when translations of a pmap are removed or weakened, so that the emulator's TLB forgets
 * them. The bridge implements it (a Unicorn TLB flush). Upgrades (a new mapping, more permission)
 * never call it: a TLB miss refills from the pmap.
 */
@FunctionalInterface
public interface TlbListener {
  /**
   * Translations of {@code pmap} in {@code [sva, eva)} (page aligned) were removed or lost
   * permissions; any TLB entry the emulator holds for them must be dropped.
   */
  void invalidate(Pmap pmap, long sva, long eva);
}
