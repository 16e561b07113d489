/**
 * The whole-system audit: {@link org.uvm4j.uvm.audit.SystemAudit} checks frames, anons, amaps, maps
 * and pmaps of a machine against each other (every frame owned once, every anon's reference count
 * equal to the amap slots that hold it, every mapping backed by its entry), for tests and
 * debugging.
 *
 * <p>Invariant: it only reads; it reports the inconsistencies it finds and changes nothing.
 *
 * <p>Layer 11 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap}, {@code amap}, {@code obj}, {@code system} and {@code map}.
 */
package org.uvm4j.uvm.audit;
