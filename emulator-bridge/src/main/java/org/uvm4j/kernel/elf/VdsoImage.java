package org.uvm4j.kernel.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vDSO's ELF image, written here byte by byte: a small x86-64 shared object ({@code
 * linux-vdso.so.1}, linked at 0, {@link #SIZE} bytes, two pages) exporting what Linux's {@code
 * arch/x86/entry/vdso/vdso.lds.S} exports in version {@code LINUX_2.6}: {@code
 * __vdso_clock_gettime}, {@code __vdso_gettimeofday}, {@code __vdso_time}, {@code __vdso_getcpu},
 * {@code __vdso_clock_getres} (global) and their weak aliases without the prefix. glibc ({@code
 * setup_vdso}, {@code dl_vdso_vsym}) and musl ({@code __vdsosym}) find them through the dynamic
 * section: DT_HASH (SysV hash), DT_SYMTAB, DT_STRTAB, DT_SONAME, DT_VERSYM and DT_VERDEF (base
 * version {@code linux-vdso.so.1}, version 2 {@code LINUX_2.6} with its ELF hash, as glibc's {@code
 * VDSO_HASH} expects). Section headers are included so that binutils can read a dump of it.
 *
 * <p>Each function is {@code mov $NR, %eax; syscall; ret}: it enters the kernel with the function's
 * system call, as Linux's vDSO falls back to the system call when the clocksource cannot be read
 * from user space. The arguments are already where the system call wants them (RDI, RSI, RDX); RCX
 * and R11, which {@code syscall} clobbers, are caller-saved in the C ABI. Not exported: {@code
 * __vdso_getrandom} (Linux 6.11) and {@code __vdso_sgx_enter_enclave}; the C libraries fall back to
 * the system calls without them.
 */
public final class VdsoImage {
  /** The image's size: two pages, as Linux's x86-64 vDSO. */
  public static final int SIZE = 0x2000;

  /** The shared object's name (DT_SONAME): what {@code dlopen(..., RTLD_NOLOAD)} finds. */
  public static final String SONAME = "linux-vdso.so.1";

  /** The version the functions are defined in. */
  public static final String VERSION = "LINUX_2.6";

  /** The exported functions and their system call numbers, in Linux's order. */
  static final Map<String, Integer> FUNCTIONS = new LinkedHashMap<>();

  static {
    FUNCTIONS.put("clock_gettime", 228);
    FUNCTIONS.put("gettimeofday", 96);
    FUNCTIONS.put("getcpu", 309);
    FUNCTIONS.put("time", 201);
    FUNCTIONS.put("clock_getres", 229);
  }

  static final int EHDR = 64;
  static final int PHDR = 56;
  static final int SHDR = 64;
  static final int SYM = 24;
  static final int TEXT_ALIGN = 16;

  // section indexes
  static final int SH_HASH = 1;
  static final int SH_DYNSYM = 2;
  static final int SH_DYNSTR = 3;
  static final int SH_VERSYM = 4;
  static final int SH_VERDEF = 5;
  static final int SH_TEXT = 6;
  static final int SH_DYNAMIC = 7;
  static final int SH_SHSTRTAB = 8;
  static final int SH_COUNT = 9;

  static final int DT_NULL = 0;
  static final int DT_HASH = 4;
  static final int DT_STRTAB = 5;
  static final int DT_SYMTAB = 6;
  static final int DT_STRSZ = 10;
  static final int DT_SYMENT = 11;
  static final int DT_SONAME = 14;
  static final long DT_VERSYM = 0x6ffffff0L;
  static final long DT_VERDEF = 0x6ffffffcL;
  static final long DT_VERDEFNUM = 0x6ffffffdL;

  private VdsoImage() {}

  /** A symbol of the image: name, value (offset in the image), binding. */
  public record Symbol(String name, long value, boolean weak) {}

  /** The image's bytes ({@link #SIZE} of them). */
  public static byte[] build() {
    // .dynstr
    Strtab dynstr = new Strtab();
    int soname = dynstr.add(SONAME);
    int version = dynstr.add(VERSION);
    // .text: one stub per function
    List<Symbol> syms = new ArrayList<>();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<long[]> textSyms = new ArrayList<>(); // name index in FUNCTIONS order, offset in .text
    for (Map.Entry<String, Integer> f : FUNCTIONS.entrySet()) {
      while (text.size() % TEXT_ALIGN != 0) {
        text.write(0xcc); // int3 between the functions, as padding
      }
      textSyms.add(new long[] {text.size()});
      int nr = f.getValue();
      text.write(0xb8); // mov $nr, %eax
      text.write(nr & 0xff);
      text.write((nr >> 8) & 0xff);
      text.write(0);
      text.write(0);
      text.write(0x0f); // syscall
      text.write(0x05);
      text.write(0xc3); // ret
    }
    byte[] code = text.toByteArray();

    // layout: ehdr, phdrs, .hash, .dynsym, .dynstr, .gnu.version, .gnu.version_d, .text,
    // .dynamic, .shstrtab, section headers
    int nsyms = 1 + 2 * FUNCTIONS.size();
    String[] names = new String[nsyms];
    boolean[] weak = new boolean[nsyms];
    int[] textIndex = new int[nsyms];
    int k = 1;
    int fi = 0;
    for (String f : FUNCTIONS.keySet()) {
      names[k] = "__vdso_" + f;
      textIndex[k++] = fi;
      names[k] = f;
      weak[k] = true;
      textIndex[k++] = fi;
      fi++;
    }
    int[] nameOff = new int[nsyms];
    for (int i = 1; i < nsyms; i++) {
      nameOff[i] = dynstr.add(names[i]);
    }
    byte[] dynstrBytes = dynstr.bytes();

    int phnum = 2;
    int off = EHDR + phnum * PHDR;
    int hashOff = align(off, 8);
    int nbucket = 3;
    int hashSize = 4 * (2 + nbucket + nsyms);
    int dynsymOff = align(hashOff + hashSize, 8);
    int dynstrOff = dynsymOff + nsyms * SYM;
    int versymOff = align(dynstrOff + dynstrBytes.length, 2);
    int verdefOff = align(versymOff + 2 * nsyms, 4);
    int verdefSize = 2 * (20 + 8);
    int textOff = align(verdefOff + verdefSize, TEXT_ALIGN);
    int dynamicOff = align(textOff + code.length, 8);
    int ndyn = 10;
    int dynamicSize = ndyn * 16;
    Strtab shstr = new Strtab();
    int[] shName = {
      0,
      shstr.add(".hash"),
      shstr.add(".dynsym"),
      shstr.add(".dynstr"),
      shstr.add(".gnu.version"),
      shstr.add(".gnu.version_d"),
      shstr.add(".text"),
      shstr.add(".dynamic"),
      shstr.add(".shstrtab")
    };
    byte[] shstrBytes = shstr.bytes();
    int shstrOff = dynamicOff + dynamicSize;
    int shOff = align(shstrOff + shstrBytes.length, 8);
    int end = shOff + SH_COUNT * SHDR;
    if (end > SIZE) {
      throw new IllegalStateException("the vDSO image does not fit in " + SIZE + " bytes");
    }
    // the loaded part: everything but the section headers' strings and headers (Linux's image
    // maps them too; glibc and musl use only the program headers)
    int loadSize = end;

    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    // ELF header
    b.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
    b.putShort(16, (short) 3); // ET_DYN
    b.putShort(18, (short) 62); // EM_X86_64
    b.putInt(20, 1); // EV_CURRENT
    b.putLong(24, textOff); // e_entry
    b.putLong(32, EHDR); // e_phoff
    b.putLong(40, shOff); // e_shoff
    b.putInt(48, 0); // e_flags
    b.putShort(52, (short) EHDR);
    b.putShort(54, (short) PHDR);
    b.putShort(56, (short) phnum);
    b.putShort(58, (short) SHDR);
    b.putShort(60, (short) SH_COUNT);
    b.putShort(62, (short) SH_SHSTRTAB);
    // program headers: PT_LOAD (R+X) of the whole image, PT_DYNAMIC
    phdr(b, EHDR, 1, 5, 0, loadSize, loadSize, 0x1000);
    phdr(b, EHDR + PHDR, 2, 4, dynamicOff, dynamicSize, dynamicSize, 8);
    // .hash: SysV hash of the dynamic symbols
    b.putInt(hashOff, nbucket);
    b.putInt(hashOff + 4, nsyms);
    int bucketsAt = hashOff + 8;
    int chainsAt = bucketsAt + 4 * nbucket;
    for (int i = 1; i < nsyms; i++) {
      int bucket = (int) (elfHash(names[i]) % nbucket);
      // append i to the bucket's chain
      int at = bucketsAt + 4 * bucket;
      while (b.getInt(at) != 0) {
        at = chainsAt + 4 * b.getInt(at);
      }
      b.putInt(at, i);
    }
    // .dynsym
    for (int i = 1; i < nsyms; i++) {
      int s = dynsymOff + i * SYM;
      b.putInt(s, nameOff[i]);
      int bind = weak[i] ? 2 : 1; // STB_WEAK : STB_GLOBAL
      b.put(s + 4, (byte) ((bind << 4) | 2)); // STT_FUNC
      b.put(s + 5, (byte) 0); // STV_DEFAULT
      b.putShort(s + 6, (short) SH_TEXT);
      b.putLong(s + 8, textOff + textSyms.get(textIndex[i])[0]);
      b.putLong(s + 16, 8);
    }
    b.put(dynstrOff, dynstrBytes);
    // .gnu.version: every defined symbol in version 2 (LINUX_2.6)
    for (int i = 1; i < nsyms; i++) {
      b.putShort(versymOff + 2 * i, (short) 2);
    }
    // .gnu.version_d: the base version (the soname), then LINUX_2.6
    verdef(b, verdefOff, 0x1, 1, elfHash(SONAME), soname, 28);
    verdef(b, verdefOff + 28, 0, 2, elfHash(VERSION), version, 0);
    b.put(textOff, code);
    // .dynamic
    long[][] dyn = {
      {DT_HASH, hashOff},
      {DT_STRTAB, dynstrOff},
      {DT_SYMTAB, dynsymOff},
      {DT_STRSZ, dynstrBytes.length},
      {DT_SYMENT, SYM},
      {DT_SONAME, soname},
      {DT_VERSYM, versymOff},
      {DT_VERDEF, verdefOff},
      {DT_VERDEFNUM, 2},
      {DT_NULL, 0}
    };
    for (int i = 0; i < ndyn; i++) {
      b.putLong(dynamicOff + 16 * i, dyn[i][0]);
      b.putLong(dynamicOff + 16 * i + 8, dyn[i][1]);
    }
    b.put(shstrOff, shstrBytes);
    // section headers
    shdr(b, shOff, SH_HASH, shName[1], 5, 2, hashOff, hashSize, SH_DYNSYM, 0, 8, 4);
    shdr(b, shOff, SH_DYNSYM, shName[2], 11, 2, dynsymOff, nsyms * SYM, SH_DYNSTR, 1, 8, SYM);
    shdr(b, shOff, SH_DYNSTR, shName[3], 3, 2, dynstrOff, dynstrBytes.length, 0, 0, 1, 0);
    shdr(b, shOff, SH_VERSYM, shName[4], 0x6fffffff, 2, versymOff, 2 * nsyms, SH_DYNSYM, 0, 2, 2);
    shdr(b, shOff, SH_VERDEF, shName[5], 0x6ffffffd, 2, verdefOff, verdefSize, SH_DYNSTR, 2, 4, 0);
    shdr(b, shOff, SH_TEXT, shName[6], 1, 6, textOff, code.length, 0, 0, TEXT_ALIGN, 0);
    shdr(b, shOff, SH_DYNAMIC, shName[7], 6, 3, dynamicOff, dynamicSize, SH_DYNSTR, 0, 8, 16);
    shdr(b, shOff, SH_SHSTRTAB, shName[8], 3, 0, shstrOff, shstrBytes.length, 0, 0, 1, 0);
    return b.array();
  }

  private static void phdr(
      ByteBuffer b, int at, int type, int flags, long off, long filesz, long memsz, long align) {
    b.putInt(at, type);
    b.putInt(at + 4, flags);
    b.putLong(at + 8, off); // p_offset
    b.putLong(at + 16, off); // p_vaddr (linked at 0)
    b.putLong(at + 24, off); // p_paddr
    b.putLong(at + 32, filesz);
    b.putLong(at + 40, memsz);
    b.putLong(at + 48, align);
  }

  private static void verdef(
      ByteBuffer b, int at, int flags, int ndx, long hash, int name, int next) {
    b.putShort(at, (short) 1); // vd_version
    b.putShort(at + 2, (short) flags);
    b.putShort(at + 4, (short) ndx);
    b.putShort(at + 6, (short) 1); // vd_cnt
    b.putInt(at + 8, (int) hash);
    b.putInt(at + 12, 20); // vd_aux
    b.putInt(at + 16, next); // vd_next
    b.putInt(at + 20, name); // vda_name
    b.putInt(at + 24, 0); // vda_next
  }

  private static void shdr(
      ByteBuffer b,
      int table,
      int index,
      int name,
      int type,
      long flags,
      long off,
      long size,
      int link,
      int info,
      long align,
      long entsize) {
    int at = table + index * SHDR;
    b.putInt(at, name);
    b.putInt(at + 4, type);
    b.putLong(at + 8, flags);
    b.putLong(at + 16, (flags & 2) != 0 ? off : 0); // sh_addr of allocated sections
    b.putLong(at + 24, off);
    b.putLong(at + 32, size);
    b.putInt(at + 40, link);
    b.putInt(at + 44, info);
    b.putLong(at + 48, align);
    b.putLong(at + 56, entsize);
  }

  /** The SysV ELF hash ({@code elf_hash}, also glibc's version hash). */
  public static long elfHash(String name) {
    long h = 0;
    for (byte c : name.getBytes(StandardCharsets.US_ASCII)) {
      h = (h << 4) + (c & 0xff);
      long g = h & 0xf0000000L;
      if (g != 0) {
        h ^= g >>> 24;
      }
      h &= ~g;
    }
    return h & 0xffffffffL;
  }

  private static int align(int v, int a) {
    return (v + a - 1) & -a;
  }

  /** A string table under construction: offset 0 is the empty string. */
  private static final class Strtab {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Strtab() {
      out.write(0);
    }

    int add(String s) {
      int at = out.size();
      out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
      out.write(0);
      return at;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
