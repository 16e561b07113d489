/**
 * libunicorn's C ABI as plain Java values: the constants of {@code unicorn.h}/{@code x86.h} the
 * bridge uses ({@link org.uvm4j.machine.uc.Uc}) and the version rules ({@link
 * org.uvm4j.machine.uc.UcVersion}). Shared by the JNA binding ({@code machine.unicorn}) and the FFM
 * binding ({@code machine.ffm}) so both speak the same ABI and refuse the same libraries.
 *
 * <p>Invariant: nothing here loads or calls native code. May import {@code org.uvm4j.machine} and
 * {@code org.uvm4j.uvm.Prot} only.
 */
package org.uvm4j.machine.uc;
