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
 * zeroed (to the end of the page, as Linux's {@code padzero}) through {@code copyout} (a
 * copy-on-write fault promotes that page to an anon), and the pages beyond are anonymous zero-fill.
 * The stack is a grow-down anonymous mapping ending at {@link Vmspace#USER_MAX}: the initial image
 * plus {@link #STACK_EXPAND} at exec, extended by faults below it down to RLIMIT_STACK ({@link
 * #STACK_SIZE} by default) as Linux's stack VMA is; only the pages of the initial image are
 * touched.
 *
 * <p>A dynamically linked program ({@code PT_INTERP}) is loaded as Linux's {@code load_elf_binary}
 * does: the program at its usual place, then its {@link Interpreter} (ld.so) at a base chosen like
 * any other mmap (top-down below the mmap base, the segments' relative layout kept); the auxiliary
 * vector gives the interpreter {@code AT_BASE} (its load bias), {@code AT_ENTRY} and {@code
 * AT_PHDR/AT_PHENT/AT_PHNUM} of the program, and the image starts at the interpreter's entry. The
 * interpreter then maps the shared libraries itself through the guest's system calls.
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

  /**
   * fs/exec.c: setup_arg_pages' {@code stack_expand}: the stack mapping reaches 128 KiB below the
   * initial image at exec; deeper accesses grow it ({@code Vmspace.grow}).
   */
  public static final long STACK_EXPAND = 128L << 10;

  /** One past the highest stack byte. */
  public static final long STACK_TOP = Vmspace.USER_MAX;

  private static final long PAGE = 4096;
  private static final long PAGE_MASK = PAGE - 1;

  /**
   * Where the image was put: {@code entry} is where it starts (the interpreter's entry for a
   * dynamically linked program), {@code interpBase} the interpreter's load bias (AT_BASE), 0 when
   * there is none; {@code stackBase} the lowest address the stack may grow down to (RLIMIT_STACK).
   */
  public record Loaded(long entry, long sp, long brkBase, long stackBase, long interpBase) {}

  /** A program interpreter to load with a dynamically linked program: its header and pages. */
  public record Interpreter(ElfFile elf, UvmObject object) {}

  private ElfLoader() {}

  /**
   * What the new image's initial stack holds besides pointers ({@code create_elf_tables}): the
   * arguments, the environment, AT_EXECFN's string, AT_RANDOM's 16 bytes, and extra (tag, value)
   * auxiliary pairs after AT_PHDR…AT_ENTRY (uids, AT_SECURE, AT_HWCAP, AT_CLKTCK).
   */
  public record StackContents(
      List<byte[]> argv, List<byte[]> envp, byte[] execfn, byte[] random16, long[] auxv) {}

  /**
   * Loads {@code elf} (whose bytes are {@code obj}) and, when {@code interp} is not null, its
   * program interpreter into {@code vm}; when {@code vdso} is not null maps it after the
   * interpreter ({@code ARCH_SETUP_ADDITIONAL_PAGES}) and gives its address as {@code
   * AT_SYSINFO_EHDR} (after AT_ENTRY, before {@code stack}'s pairs); and builds the stack in a
   * region of {@code stackLimit} bytes (the process's RLIMIT_STACK, {@code -1} for unlimited,
   * {@link #STACK_SIZE} by default): the stack can never grow beyond it, so a deeper recursion
   * faults (SIGSEGV) as on Linux. Rounded down to pages, at least the initial image plus one page,
   * at most {@link #STACK_MAX}.
   *
   * @param interp the interpreter named by the program's PT_INTERP, or null
   * @param vdso the kernel's vDSO, or null: none
   * @return the image
   * @throws UvmException ENOMEM, E2BIG… when the address space could not be built; {@code vm} must
   *     then be freed by the caller
   */
  // binfmt_elf.c: load_elf_binary
  public static Loaded load(
      Vmspace vm,
      ElfFile elf,
      UvmObject obj,
      Interpreter interp,
      Vdso vdso,
      StackContents stack,
      long stackLimit)
      throws UvmException {
    List<byte[]> argv = stack.argv();
    List<byte[]> envp = stack.envp();
    byte[] execfn = stack.execfn();
    byte[] random16 = stack.random16();
    long[] auxv = stack.auxv();
    if (vdso != null) {
      long[] withVdso = new long[auxv.length + 2];
      withVdso[0] = Auxv.AT_SYSINFO_EHDR;
      withVdso[1] = 0; // known once it is mapped (the image's size is not changed)
      System.arraycopy(auxv, 0, withVdso, 2, auxv.length);
      auxv = withVdso;
    }
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
    aux[9] = 0; // the interpreter's bias, known once it is placed (the image's size is not changed)
    aux[10] = Auxv.AT_ENTRY;
    aux[11] = elf.entry();
    System.arraycopy(auxv, 0, aux, 12, auxv.length);
    int imageLength = StackImage.build(STACK_TOP, argv, envp, execfn, random16, aux).bytes().length;
    if (imageLength > STACK_SIZE / 4) {
      throw new UvmException(Errno.E2BIG);
    }
    // the stack first, so that the interpreter is placed below it: a grow-down mapping of the
    // image plus Linux's 128 KiB (setup_arg_pages), which faults below it extend down to the floor
    long stackSize = stackSize(stackLimit, imageLength);
    long stackBase = STACK_TOP - stackSize;
    long initial = Math.min(stackSize, ((imageLength + PAGE_MASK) & ~PAGE_MASK) + STACK_EXPAND);
    int stackProt = elf.executableStack() ? Prot.ALL : Prot.RW;
    vm.mmap(MapRequest.anon(initial, stackProt).fixed(STACK_TOP - initial));
    int se = vm.setStack(STACK_TOP - initial, STACK_TOP, stackBase);
    if (se != 0) {
      throw new UvmException(se);
    }
    long interpBias = 0;
    long start = elf.entry();
    if (interp != null) {
      interpBias = loadInterpreter(vm, interp);
      start = interp.elf().fileEntry() + interpBias;
    }
    aux[9] = interpBias;
    if (vdso != null) {
      aux[13] = vdso.map(vm); // the slot after AT_ENTRY: AT_SYSINFO_EHDR's value
    }
    StackImage img = StackImage.build(STACK_TOP, argv, envp, execfn, random16, aux);
    int e = vm.copyout(img.base(), img.bytes(), 0, img.bytes().length);
    if (e != 0) {
      throw new UvmException(e == Errno.EFAULT ? Errno.ENOMEM : e);
    }
    vm.setBrkBase(elf.brkBase());
    return new Loaded(start, img.sp(), elf.brkBase(), stackBase, interpBias);
  }

  /**
   * Maps the interpreter: an ET_EXEC one at its own addresses, an ET_DYN one where a mapping of its
   * whole span fits (the address space is reserved to find the place, then each segment is mapped
   * there; the gaps between segments stay unmapped, as Linux leaves them).
   *
   * @return the interpreter's load bias (AT_BASE)
   */
  // binfmt_elf.c: load_elf_interp
  private static long loadInterpreter(Vmspace vm, Interpreter interp) throws UvmException {
    ElfFile ie = interp.elf();
    long span = ie.span();
    MapRequest reserve = MapRequest.anon(span, Prot.NONE);
    if (ie.type() != ElfFile.ET_DYN) {
      // its own addresses, never over the program (Linux: MAP_FIXED_NOREPLACE, EEXIST)
      reserve = reserve.fixedNoReplace(ie.firstPage());
    }
    long base = vm.mmap(reserve);
    int e = vm.munmap(base, span);
    if (e != 0) {
      throw new UvmException(e);
    }
    long bias = ie.type() == ElfFile.ET_DYN ? base - ie.firstPage() : 0;
    long mappedEnd = 0;
    for (Segment s : ie.loads()) {
      long end = s.vend() + bias;
      if (s.vaddr() + bias < ElfFile.MIN_VADDR || end > ElfFile.MAX_VADDR) {
        throw new UvmException(Errno.ENOMEM);
      }
      e = loadSegment(vm, s, bias, interp.object(), mappedEnd);
      if (e != 0) {
        log.debug("exec: interpreter {} could not be mapped: errno {}", s, e);
        throw new UvmException(e);
      }
      mappedEnd = Math.max(mappedEnd, roundPage(end));
    }
    return bias;
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
        // padzero: the whole rest of the last file page, also beyond memsz (ld.so's minimal
        // malloc takes the free space after its own _end and counts on it being zero)
        int e = zero(vm, fileEnd, mapEnd - fileEnd, prot);
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
