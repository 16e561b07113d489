/**
 * Memory objects, the lower layer of a mapping ({@code uvm_object.h}): the {@link
 * org.uvm4j.uvm.obj.UvmObject} interface, {@link org.uvm4j.uvm.obj.FileObject}, the read-only pages
 * of a file (an executable's image), mapped copy-on-write by the map layer, and {@link
 * org.uvm4j.uvm.obj.Aobj}, NetBSD's {@code uvm_aobj}: anonymous memory owned by an object (tmpfs
 * files, memfd), mapped shared or copy-on-write and paged to swap by the page daemon.
 *
 * <p>Invariants: an object is freed (its pages unmapped and released) at its last {@code detach};
 * its resident pages are owned by it ({@code VmPage.object}); a file object's stay resident until
 * then, an aobj's ({@code PQ_AOBJ}) may be paged out, the object keeping each page's swap slot.
 *
 * <p>Layer 6 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap} and {@code system}.
 */
package org.uvm4j.uvm.obj;
