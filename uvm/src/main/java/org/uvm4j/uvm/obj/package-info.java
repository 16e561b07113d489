/**
 * Memory objects, the lower layer of a mapping ({@code uvm_object.h}): the {@link
 * org.uvm4j.uvm.obj.UvmObject} interface and {@link org.uvm4j.uvm.obj.FileObject}, the read-only
 * pages of a file (an executable's image), mapped copy-on-write by the map layer.
 */
package org.uvm4j.uvm.obj;
