package org.uvm4j.kernel.elf;

import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * Maps a validated {@link ElfFile} into a fresh {@link Vmspace} ({@code exec_elf.c}: {@code
 * elf_load_psection}, plus {@code create_elf_tables} through {@link StackImage}).
 *
 * <p>Each PT_LOAD segment becomes a private (copy-on-write) mapping of the file object from the
 * page holding its first byte to the page holding its last file byte, with the segment's
 * protection; when the segment has a zero-filled part (bss) the rest of its last file page is
 * zeroed through {@code copyout} (a copy-on-write fault promotes that page to an anon), and the
 * pages beyond are anonymous zero-fill. The stack is an anonymous region of {@link #STACK_SIZE}
 * bytes ending at {@link Vmspace#USER_MAX}, populated lazily; only the pages of the initial image
 * are touched.
 */
public final class ElfLoader {
  private static final Logger log = LogManager.getLogger("kern.exec");

  /** Size of the stack region under the default RLIMIT_STACK (Linux's 8 MiB). */
  public static final long STACK_SIZE = 8L << 20;

  /**
   * The largest stack region (RLIMIT_STACK unlimited or above it): far below the gap to {@link
   * Vmspace#MMAP_BASE}.
   */
  public static final long STACK_MAX = 1L << 30;

  /** One past the highest stack byte. */
  public static final long STACK_TOP = Vmspace.USER_MAX;

  private static final long PAGE = 4096;
  private static final long PAGE_MASK = PAGE - 1;

  /** Where the image was put. */
  public record Loaded(long entry, long sp, long brkBase, long stackBase) {}

  private ElfLoader() {}

  /**
   * Loads {@code elf} (whose bytes are {@code obj}) into {@code vm} and builds its stack.
   *
   * @param auxv extra (tag, value) pairs after AT_PHDR…AT_ENTRY (uids, AT_SECURE, AT_HWCAP,
   *     AT_CLKTCK)
   * @return the image
   * @throws UvmException ENOMEM, E2BIG… when the address space could not be built; {@code vm} must
   *     then be freed by the caller
   */
  public static Loaded load(
      Vmspace vm,
      ElfFile elf,
      UvmObject obj,
      List<byte[]> argv,
      List<byte[]> envp,
      byte[] execfn,
      byte[] random16,
      long[] auxv)
      throws UvmException {
    return load(vm, elf, obj, argv, envp, execfn, random16, auxv, STACK_SIZE);
  }

  /**
   * As {@link #load(Vmspace, ElfFile, UvmObject, List, List, byte[], byte[], long[])}, with a stack
   * region of {@code stackLimit} bytes (the process's RLIMIT_STACK, {@code -1} for unlimited): the
   * stack can never grow beyond it, so a deeper recursion faults (SIGSEGV) as on Linux. Rounded
   * down to pages, at least the initial image plus one page, at most {@link #STACK_MAX}.
   */
  public static Loaded load(
      Vmspace vm,
      ElfFile elf,
      UvmObject obj,
      List<byte[]> argv,
      List<byte[]> envp,
      byte[] execfn,
      byte[] random16,
      long[] auxv,
      long stackLimit)
      throws UvmException {
    long bias = elf.loadBias();
    long mappedEnd = 0;
    for (Segment s : elf.loads()) {
      int e = loadSegment(vm, s, bias, obj, mappedEnd);
      if (e != 0) {
        log.debug("exec: {} could not be mapped: errno {}", s, e);
        throw new UvmException(e);
      }
      mappedEnd = Math.max(mappedEnd, roundPage(s.vend() + bias));
    }
    long[] aux = new long[12 + auxv.length];
    aux[0] = Auxv.AT_PHDR;
    aux[1] = elf.phdrAddress();
    aux[2] = Auxv.AT_PHENT;
    aux[3] = elf.phentsize();
    aux[4] = Auxv.AT_PHNUM;
    aux[5] = elf.phnum();
    aux[6] = Auxv.AT_PAGESZ;
    aux[7] = PAGE;
    aux[8] = Auxv.AT_BASE;
    aux[9] = 0;
    aux[10] = Auxv.AT_ENTRY;
    aux[11] = elf.entry();
    System.arraycopy(auxv, 0, aux, 12, auxv.length);
    StackImage img = StackImage.build(STACK_TOP, argv, envp, execfn, random16, aux);
    if (img.bytes().length > STACK_SIZE / 4) {
      throw new UvmException(Errno.E2BIG);
    }
    long stackSize = stackSize(stackLimit, img.bytes().length);
    long stackBase = STACK_TOP - stackSize;
    int stackProt = elf.executableStack() ? Prot.ALL : Prot.RW;
    vm.mmap(MapRequest.anon(stackSize, stackProt).fixed(stackBase));
    int e = vm.copyout(img.base(), img.bytes(), 0, img.bytes().length);
    if (e != 0) {
      throw new UvmException(e == Errno.EFAULT ? Errno.ENOMEM : e);
    }
    vm.setBrkBase(elf.brkBase());
    return new Loaded(elf.entry(), img.sp(), elf.brkBase(), stackBase);
  }

  /**
   * The stack region's size for RLIMIT_STACK {@code limit} and an initial image of {@code image}.
   */
  static long stackSize(long limit, long image) {
    long need = ((image + PAGE_MASK) & ~PAGE_MASK) + PAGE;
    long size = limit < 0 || limit > STACK_MAX ? STACK_MAX : limit & ~PAGE_MASK;
    return Math.max(size, need);
  }

  // exec_elf.c: elf_load_psection
  private static int loadSegment(Vmspace vm, Segment s, long bias, UvmObject obj, long mappedEnd) {
    long vstart = s.vaddr() + bias;
    long fileEnd = vstart + s.filesz();
    long memEnd = vstart + s.memsz();
    int prot = s.prot();
    long pageStart = vstart & ~PAGE_MASK;
    long anonFrom;
    if (s.filesz() > 0) {
      long mapEnd = roundPage(fileEnd);
      try {
        vm.mmap(
            MapRequest.anon(mapEnd - pageStart, prot)
                .withObject(obj, s.offset() & ~PAGE_MASK)
                .fixed(pageStart));
      } catch (UvmException e) {
        return e.errno();
      }
      if (memEnd > fileEnd && (fileEnd & PAGE_MASK) != 0) {
        int e = zero(vm, fileEnd, Math.min(mapEnd, memEnd) - fileEnd, prot);
        if (e != 0) {
          return e;
        }
      }
      anonFrom = mapEnd;
    } else if (pageStart < mappedEnd) {
      // The first page is the previous segment's last one: zero our part of it in place.
      long upTo = Math.min(mappedEnd, memEnd);
      int e = zero(vm, vstart, upTo - vstart, prot);
      if (e != 0) {
        return e;
      }
      anonFrom = mappedEnd;
    } else {
      anonFrom = pageStart;
    }
    long anonEnd = roundPage(memEnd);
    if (anonEnd > anonFrom) {
      try {
        vm.mmap(MapRequest.anon(anonEnd - anonFrom, prot).fixed(anonFrom));
      } catch (UvmException e) {
        return e.errno();
      }
    }
    return 0;
  }

  /** Zeroes {@code len} bytes at {@code va}, lending the page write permission if it lacks it. */
  private static int zero(Vmspace vm, long va, long len, int prot) {
    if (len <= 0) {
      return 0;
    }
    long page = va & ~PAGE_MASK;
    boolean lend = (prot & Prot.WRITE) == 0;
    if (lend) {
      int e = vm.mprotect(page, PAGE, prot | Prot.WRITE);
      if (e != 0) {
        return e;
      }
    }
    int e = vm.copyout(va, new byte[(int) len], 0, (int) len);
    if (lend) {
      int e2 = vm.mprotect(page, PAGE, prot);
      if (e == 0) {
        e = e2;
      }
    }
    return e == Errno.EFAULT ? Errno.ENOMEM : e;
  }

  private static long roundPage(long v) {
    return (v + PAGE_MASK) & ~PAGE_MASK;
  }
}
