/**
 * Memory objects, the lower layer of a mapping ({@code uvm_object.h}): the {@link
 * org.uvm4j.uvm.obj.UvmObject} interface and {@link org.uvm4j.uvm.obj.FileObject}, the read-only
 * pages of a file (an executable's image), mapped copy-on-write by the map layer.
 *
 * <p>Invariants: an object is freed (its pages unmapped and released) at its last {@code detach};
 * its resident pages are owned by it ({@code VmPage.object}) and stay resident until then.
 *
 * <p>Layer 6 of docs/design.md ("Layering"): may import the vocabulary ({@code org.uvm4j.uvm}),
 * {@code page}, {@code pmap} and {@code system}.
 */
package org.uvm4j.uvm.obj;
