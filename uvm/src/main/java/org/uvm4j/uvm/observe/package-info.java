/**
 * The VM system's observation points (NetBSD's {@code UVMHIST}), as a contract below every VM
 * layer: {@link org.uvm4j.uvm.observe.VmObserver} is what the map operations, the swap pager and
 * the page daemon report, in their own terms (addresses, counts, ids), and {@link
 * org.uvm4j.uvm.observe.ForkCensus} what a fork did. The trace package implements the observer; the
 * layers that report only hold a reference to it, null while nobody observes (tracing off costs one
 * null test per operation).
 *
 * <p>May import only {@code java.*}: it sits under {@code system}, {@code map}, {@code swap} and
 * {@code pdaemon}, which call it, and under {@code trace}, which implements it.
 */
package org.uvm4j.uvm.observe;
