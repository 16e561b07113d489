package org.uvm4j.uvm.trace;

/**
 * What a fault's needs-copy resolution ({@code amap_copy}) did to the entry's amap, as the trace
 * format's {@code "amap_copy"} field.
 */
public enum AmapCopy {
  /** The entry did not need copying. */
  NONE("none"),
  /** The entry had no amap: a fresh one was allocated. */
  NEW("new"),
  /** The amap's only reference was this entry: it kept the amap (amap_copy's take-over). */
  TAKEOVER("takeover"),
  /** The amap was shared: a new amap now references the same anons (their counts went up). */
  COPY("copy");

  private final String label;

  AmapCopy(String label) {
    this.label = label;
  }

  /** The name in the trace format. */
  public String label() {
    return label;
  }
}
