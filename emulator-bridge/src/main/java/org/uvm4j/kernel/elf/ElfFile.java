package org.uvm4j.kernel.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A validated ELF64 x86-64 executable ({@code ET_EXEC}, or {@code ET_DYN}: a PIE, a static-pie or a
 * shared object such as a program interpreter).
 *
 * <p>Invariant: every {@link #loads() PT_LOAD} segment has {@code filesz <= memsz}, its file bytes
 * inside the file, {@code vaddr} congruent to {@code offset} modulo the page size, memory inside
 * the user range (after the {@link #loadBias() load bias}), and no two segments overlap; the entry
 * point lies in an executable segment; a {@code PT_INTERP} (the first one counts, as in Linux)
 * holds a NUL-terminated path of 2 to {@link #INTERP_MAX} bytes inside the file, kept as {@link
 * #interpreter()}. {@link #parse} throws {@link ElfException} (and nothing else) for any input
 * breaking these rules.
 */
public final class ElfFile {
  public static final int ET_EXEC = 2;
  public static final int ET_DYN = 3;
  public static final int EM_X86_64 = 62;
  public static final int PT_NULL = 0;
  public static final int PT_LOAD = 1;
  public static final int PT_DYNAMIC = 2;
  public static final int PT_INTERP = 3;
  public static final int PT_PHDR = 6;
  public static final int PT_TLS = 7;
  public static final int PT_GNU_STACK = 0x6474e551;

  /** {@code sizeof(Elf64_Ehdr)}. */
  public static final int EHDR_SIZE = 64;

  /** {@code sizeof(Elf64_Phdr)}. */
  public static final int PHDR_SIZE = 56;

  /** Linux's limit on the size of the program header table ({@code ELF_MIN_ALIGN * 16}). */
  public static final int MAX_PHDR_TABLE = 65536;

  /** Lowest address a segment may occupy (page 0 stays unmapped). */
  public static final long MIN_VADDR = 0x1000L;

  /**
   * One past the highest address a segment may occupy: the stack region and its guard page lie
   * above.
   */
  public static final long MAX_VADDR = 0x7fff_ffff_f000L - (8L << 20) - 0x1000L;

  /**
   * Where a static-pie ({@code ET_DYN}) image is placed: Linux's non-randomised ELF_ET_DYN_BASE.
   */
  public static final long DYN_BASE = 0x5555_5555_4000L;

  /** Longest PT_INTERP Linux accepts, its NUL included ({@code PATH_MAX}). */
  public static final int INTERP_MAX = 4096;

  private static final long PAGE_MASK = 0xfffL;

  private final int type;
  private final long entry;
  private final long phoff;
  private final int phnum;
  private final long loadBias;
  private final List<Segment> segments;
  private final List<Segment> loads;
  private final boolean executableStack;
  private final String interpreter;

  private ElfFile(
      int type,
      long entry,
      long phoff,
      int phnum,
      long loadBias,
      List<Segment> segments,
      List<Segment> loads,
      boolean executableStack,
      String interpreter) {
    this.type = type;
    this.entry = entry;
    this.phoff = phoff;
    this.phnum = phnum;
    this.loadBias = loadBias;
    this.segments = segments;
    this.loads = loads;
    this.executableStack = executableStack;
    this.interpreter = interpreter;
  }

  /**
   * The program interpreter named by {@code PT_INTERP} (e.g. {@code /lib64/ld-linux-x86-64.so.2}),
   * or null for a static program.
   */
  public String interpreter() {
    return interpreter;
  }

  /** {@code e_entry} as written in the file (before any load bias). */
  public long fileEntry() {
    return entry;
  }

  /** The lowest page address of the PT_LOAD segments as written in the file (before any bias). */
  public long firstPage() {
    return loads.get(0).vaddr() & ~PAGE_MASK;
  }

  /**
   * How many bytes the PT_LOAD segments span, from {@link #firstPage()} to the end of the last one
   * rounded up to a page: what a loader reserves for an image placed at a bias of its choosing.
   */
  public long span() {
    long end = 0;
    for (Segment s : loads) {
      end = Math.max(end, s.vend());
    }
    return ((end + PAGE_MASK) & ~PAGE_MASK) - firstPage();
  }

  /** {@code e_type}: {@link #ET_EXEC} or {@link #ET_DYN}. */
  public int type() {
    return type;
  }

  /** The entry point in memory ({@code e_entry} plus the load bias). */
  public long entry() {
    return entry + loadBias;
  }

  /** {@code e_phoff}. */
  public long phoff() {
    return phoff;
  }

  /** {@code e_phnum}. */
  public int phnum() {
    return phnum;
  }

  /** {@code e_phentsize} (always {@link #PHDR_SIZE}). */
  public int phentsize() {
    return PHDR_SIZE;
  }

  /** What is added to every {@code p_vaddr}: 0 for ET_EXEC, page aligned for ET_DYN. */
  public long loadBias() {
    return loadBias;
  }

  /** Every program header, in file order. */
  public List<Segment> segments() {
    return segments;
  }

  /** The PT_LOAD segments with a non-zero memory size, in ascending address order. */
  public List<Segment> loads() {
    return loads;
  }

  /** True when PT_GNU_STACK asks for an executable stack. */
  public boolean executableStack() {
    return executableStack;
  }

  /**
   * Address of the program header table in memory (AT_PHDR): PT_PHDR's address if present, else the
   * address of the file offset {@code e_phoff} inside the PT_LOAD segment that contains it, else
   * (as Linux does) the first segment's address plus {@code e_phoff}.
   */
  public long phdrAddress() {
    for (Segment s : segments) {
      if (s.type() == PT_PHDR) {
        return s.vaddr() + loadBias;
      }
    }
    long tableEnd = phoff + (long) phnum * PHDR_SIZE;
    for (Segment s : loads) {
      if (phoff >= s.offset() && tableEnd <= s.offset() + s.filesz()) {
        return s.vaddr() + (phoff - s.offset()) + loadBias;
      }
    }
    Segment first = loads.get(0);
    return (first.vaddr() - first.offset()) + phoff + loadBias;
  }

  /** One past the highest byte of any segment in memory, page aligned: where the break starts. */
  public long brkBase() {
    long end = 0;
    for (Segment s : loads) {
      end = Math.max(end, s.vend());
    }
    return ((end + PAGE_MASK) & ~PAGE_MASK) + loadBias;
  }

  /**
   * Parses and validates an ELF image.
   *
   * @param image the whole file
   * @throws ElfException naming the first problem found; no other exception escapes
   */
  public static ElfFile parse(byte[] image) throws ElfException {
    if (image == null) {
      throw new ElfException("no ELF image");
    }
    if (image.length < 4
        || image[0] != 0x7f
        || image[1] != 'E'
        || image[2] != 'L'
        || image[3] != 'F') {
      throw new ElfException("not an ELF file (bad magic, expected 7f 45 4c 46)");
    }
    if (image.length < EHDR_SIZE) {
      throw new ElfException(
          "truncated ELF header: file has " + image.length + " bytes, header needs " + EHDR_SIZE);
    }
    int eiClass = image[4] & 0xff;
    if (eiClass == 1) {
      throw new ElfException("32-bit ELF (ELFCLASS32) is not supported: need ELFCLASS64");
    }
    if (eiClass != 2) {
      throw new ElfException("bad ELF class " + eiClass + ": need ELFCLASS64 (2)");
    }
    int eiData = image[5] & 0xff;
    if (eiData == 2) {
      throw new ElfException("big-endian ELF (ELFDATA2MSB) is not supported: need little-endian");
    }
    if (eiData != 1) {
      throw new ElfException("bad ELF data encoding " + eiData + ": need ELFDATA2LSB (1)");
    }
    if ((image[6] & 0xff) != 1) {
      throw new ElfException("bad ELF identification version " + (image[6] & 0xff));
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int type = b.getShort(16) & 0xffff;
    int machine = b.getShort(18) & 0xffff;
    long version = b.getInt(20) & 0xffffffffL;
    long entry = b.getLong(24);
    long phoff = b.getLong(32);
    int ehsize = b.getShort(52) & 0xffff;
    int phentsize = b.getShort(54) & 0xffff;
    int phnum = b.getShort(56) & 0xffff;
    if (type != ET_EXEC && type != ET_DYN) {
      throw new ElfException(
          "not an executable: e_type " + typeName(type) + ", need ET_EXEC or ET_DYN");
    }
    if (machine != EM_X86_64) {
      throw new ElfException(
          "not an x86-64 program: e_machine " + machine + ", need EM_X86_64 (62)");
    }
    if (version != 1) {
      throw new ElfException("bad ELF version " + version + " (e_version), need 1");
    }
    if (ehsize < EHDR_SIZE) {
      throw new ElfException("bad ELF header size " + ehsize + " (e_ehsize), need 64");
    }
    if (phnum == 0) {
      throw new ElfException("no program headers (e_phnum 0): nothing to load");
    }
    if (phnum == 0xffff) {
      throw new ElfException("extended program header numbering (PN_XNUM) is not supported");
    }
    if (phentsize != PHDR_SIZE) {
      throw new ElfException("bad program header size " + phentsize + " (e_phentsize), need 56");
    }
    long tableSize = (long) phnum * PHDR_SIZE;
    if (tableSize > MAX_PHDR_TABLE) {
      throw new ElfException(
          "program header table too large: " + phnum + " entries (" + tableSize + " bytes)");
    }
    if (phoff < 0 || phoff > image.length || tableSize > image.length - phoff) {
      throw new ElfException(
          String.format(
              "program header table out of file bounds: e_phoff 0x%x + %d bytes > file size %d",
              phoff, tableSize, image.length));
    }

    List<Segment> segments = new ArrayList<>(phnum);
    List<Segment> loads = new ArrayList<>();
    boolean execStack = false;
    String interp = null;
    for (int i = 0; i < phnum; i++) {
      int at = (int) phoff + i * PHDR_SIZE;
      Segment s =
          new Segment(
              i,
              b.getInt(at),
              b.getInt(at + 4),
              b.getLong(at + 8),
              b.getLong(at + 16),
              b.getLong(at + 32),
              b.getLong(at + 40),
              b.getLong(at + 48));
      segments.add(s);
      switch (s.type()) {
        case PT_INTERP -> {
          if (interp == null) {
            interp = interpreterName(image, s);
          }
        }
        case PT_LOAD -> {
          checkLoad(s, image.length);
          if (s.memsz() > 0) {
            loads.add(s);
          }
        }
        case PT_GNU_STACK -> execStack = (s.flags() & Segment.PF_X) != 0;
        default -> {
          // PT_PHDR, PT_TLS, PT_NOTE, PT_GNU_RELRO…: read through AT_PHDR by the program itself.
        }
      }
    }
    if (loads.isEmpty()) {
      throw new ElfException("no loadable segment (PT_LOAD with p_memsz > 0)");
    }
    loads.sort(Comparator.comparingLong(Segment::vaddr));
    for (int i = 1; i < loads.size(); i++) {
      Segment prev = loads.get(i - 1);
      Segment cur = loads.get(i);
      if (cur.vaddr() < prev.vend()) {
        throw new ElfException(
            "segments "
                + prev.index()
                + " and "
                + cur.index()
                + " overlap in memory: "
                + prev
                + " and "
                + cur);
      }
    }
    long bias = 0;
    if (type == ET_DYN) {
      bias = DYN_BASE - (loads.get(0).vaddr() & ~PAGE_MASK);
    }
    for (Segment s : loads) {
      long start = (s.vaddr() & ~PAGE_MASK) + bias;
      long end = s.vend() + bias;
      if (start < MIN_VADDR || end > MAX_VADDR || end < start) {
        throw new ElfException(
            String.format(
                "%s lies outside the user address range [0x%x, 0x%x)", s, MIN_VADDR, MAX_VADDR));
      }
    }
    boolean entryOk = false;
    for (Segment s : loads) {
      if ((s.flags() & Segment.PF_X) != 0 && entry >= s.vaddr() && entry < s.vend()) {
        entryOk = true;
        break;
      }
    }
    if (!entryOk) {
      throw new ElfException(
          String.format("entry point 0x%x (e_entry) is not inside an executable segment", entry));
    }
    return new ElfFile(
        type,
        entry,
        phoff,
        phnum,
        bias,
        List.copyOf(segments),
        List.copyOf(loads),
        execStack,
        interp);
  }

  private static void checkLoad(Segment s, long fileSize) throws ElfException {
    if (s.filesz() < 0 || s.memsz() < 0 || Long.compareUnsigned(s.filesz(), s.memsz()) > 0) {
      throw new ElfException(s + ": p_filesz is larger than p_memsz");
    }
    if (s.offset() < 0 || s.offset() > fileSize || s.filesz() > fileSize - s.offset()) {
      throw new ElfException(s + ": file bytes lie outside the file (size " + fileSize + ")");
    }
    if (s.vaddr() < 0 || s.memsz() > MAX_VADDR || s.vaddr() > MAX_VADDR) {
      throw new ElfException(s + ": absurd address or size");
    }
    long align = s.align();
    if (align != 0 && (align & (align - 1)) != 0) {
      throw new ElfException(s + ": p_align 0x" + Long.toHexString(align) + " is not a power of 2");
    }
    if ((s.vaddr() & PAGE_MASK) != (s.offset() & PAGE_MASK)) {
      throw new ElfException(
          s + ": p_vaddr and p_offset are not congruent modulo the page size (4096)");
    }
  }

  // binfmt_elf.c: load_elf_binary (the PT_INTERP checks)
  private static String interpreterName(byte[] image, Segment s) throws ElfException {
    if (s.filesz() < 2 || s.filesz() > INTERP_MAX) {
      throw new ElfException(
          s + ": PT_INTERP of " + s.filesz() + " bytes (a path needs 2 to " + INTERP_MAX + ")");
    }
    if (s.offset() < 0 || s.offset() > image.length || s.filesz() > image.length - s.offset()) {
      throw new ElfException(s + ": PT_INTERP lies outside the file (size " + image.length + ")");
    }
    int from = (int) s.offset();
    int last = from + (int) s.filesz() - 1;
    if (image[last] != 0) {
      throw new ElfException(s + ": PT_INTERP path is not NUL-terminated");
    }
    int end = from;
    while (end < last && image[end] != 0) {
      end++;
    }
    return new String(image, from, end - from, StandardCharsets.ISO_8859_1);
  }

  private static String typeName(int type) {
    return switch (type) {
      case 0 -> "ET_NONE (0)";
      case 1 -> "ET_REL (1, an object file)";
      case 4 -> "ET_CORE (4, a core dump)";
      default -> Integer.toString(type);
    };
  }
}
