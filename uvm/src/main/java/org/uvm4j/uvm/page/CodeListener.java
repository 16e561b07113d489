package org.uvm4j.uvm.page;

/**
 * Told before the host rewrites a frame that held executed code, so that the emulator can drop the
 * translations it made from the old contents (Unicorn does not notice host-side writes). The bridge
 * implements it; {@link PhysMem} calls it from zero, copy-into, write and free.
 */
@FunctionalInterface
public interface CodeListener {
  /**
   * The contents of {@code pg}'s frame are about to change (or the frame is being freed for reuse).
   * {@link VmPage#executed} is cleared after the call returns.
   */
  void frameRewritten(VmPage pg);
}
