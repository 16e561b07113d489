package org.uvm4j.uvm.trace;

import org.uvm4j.uvm.fault.FaultCase;

/**
 * The case of uvm_fault.c's analysis a fault took, with the names the trace format uses: the upper
 * (anon) layer 1A/1B, the lower (object) layer 2A/2B, and zero fill (2B without an object).
 */
public enum FaultPath {
  /** No case was reached: the fault failed before (no entry, protection, no memory). */
  NONE("none", "none", "no case reached"),
  /** 1A: the anon's page is mapped in place (read-only while the anon is shared). */
  ANON("1A", "upper", "anon"),
  /** 1B: a write to a shared anon: its page is copied into a new anon (copy-on-write). */
  ANON_COW("1B", "upper", "anon cow"),
  /** 2A: the object's page is mapped (read-only in a copy-on-write entry). */
  OBJECT("2A", "lower", "object"),
  /** 2B: a write to a copy-on-write object mapping: the page is copied into a new anon. */
  OBJECT_COW("2B", "lower", "object cow"),
  /** Zero fill: a new anon with a zeroed page (2B without an object). */
  ZERO_FILL("zero", "lower", "zero fill");

  private final String label;
  private final String layer;
  private final String title;

  FaultPath(String label, String layer, String title) {
    this.label = label;
    this.layer = layer;
    this.title = title;
  }

  /**
   * The {@code "case"} field: {@code none}, {@code 1A}, {@code 1B}, {@code 2A}, {@code 2B}, {@code
   * zero}.
   */
  public String label() {
    return label;
  }

  /** The {@code "layer"} field: {@code upper} (amap/anon), {@code lower} (object), {@code none}. */
  public String layer() {
    return layer;
  }

  /** A short human title ("anon cow"), used for event names and log lines. */
  public String title() {
    return title;
  }

  /** The trace name of the handler's case. */
  public static FaultPath of(FaultCase c) {
    return switch (c) {
      case NONE -> NONE;
      case ANON -> ANON;
      case ANON_COW -> ANON_COW;
      case OBJECT -> OBJECT;
      case OBJECT_COW -> OBJECT_COW;
      case ZERO_FILL -> ZERO_FILL;
    };
  }
}
