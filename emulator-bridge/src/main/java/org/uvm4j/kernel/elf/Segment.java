package org.uvm4j.kernel.elf;

import org.uvm4j.uvm.Prot;

/**
 * One program header ({@code Elf64_Phdr}) of an ELF64 file, as read from the file.
 *
 * @param index position in the program header table
 * @param type {@code p_type} ({@link ElfFile#PT_LOAD}…)
 * @param flags {@code p_flags} ({@link #PF_X}, {@link #PF_W}, {@link #PF_R})
 * @param offset {@code p_offset}: file offset of the first byte
 * @param vaddr {@code p_vaddr}: virtual address of the first byte (before the load bias)
 * @param filesz {@code p_filesz}: bytes taken from the file
 * @param memsz {@code p_memsz}: bytes in memory (the rest zero)
 * @param align {@code p_align}
 */
public record Segment(
    int index, int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
  public static final int PF_X = 1;
  public static final int PF_W = 2;
  public static final int PF_R = 4;

  /** The segment's protection as {@link Prot} bits. */
  public int prot() {
    int prot = Prot.NONE;
    if ((flags & PF_R) != 0) {
      prot |= Prot.READ;
    }
    if ((flags & PF_W) != 0) {
      prot |= Prot.WRITE;
    }
    if ((flags & PF_X) != 0) {
      prot |= Prot.EXEC;
    }
    return prot;
  }

  /** One past the last virtual address (before the load bias). */
  public long vend() {
    return vaddr + memsz;
  }

  @Override
  public String toString() {
    return String.format(
        "segment %d (type %d %s offset 0x%x vaddr 0x%x filesz 0x%x memsz 0x%x)",
        index, type, Prot.toString(prot()), offset, vaddr, filesz, memsz);
  }
}
