/**
 * Loading x86-64 ELF executables (static, or dynamically linked with their PT_INTERP interpreter):
 * {@link org.uvm4j.kernel.elf.ElfFile} parses and validates (only {@link
 * org.uvm4j.kernel.elf.ElfException}, with the reason), {@link org.uvm4j.kernel.elf.ElfLoader} maps
 * the PT_LOAD segments and the stack into a fresh vmspace, and {@link
 * org.uvm4j.kernel.elf.StackImage} lays out argc, argv, envp and the auxiliary vector.
 *
 * <p>Invariants: parsing never throws anything but ElfException, whatever the bytes; a load that
 * fails throws {@link org.uvm4j.uvm.UvmException} and leaves the vmspace for the caller to free.
 *
 * <p>May import: {@code org.uvm4j.uvm} (Errno, Prot, UvmException) and {@code org.uvm4j.uvm.map},
 * {@code org.uvm4j.uvm.obj}; nothing of the kernel above it.
 */
package org.uvm4j.kernel.elf;
