package org.uvm4j.kernel.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.elf.ElfImageBuilder.Ph;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** Loads hand-made images into a real {@link Vmspace} and reads them back through copyin. */
class ElfLoaderTest {
  private Uvm uvm;
  private long freeAtStart;
  private Vmspace vm;
  private FileObject obj;
  private FileObject interpObj;

  @BeforeEach
  void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    freeAtStart = uvm.physMem().freeCount();
    vm = Vmspace.create(uvm, new FaultHandler(uvm));
  }

  @AfterEach
  void tearDown() {
    if (vm != null) {
      SystemAudit.check(uvm, List.of(vm));
      vm.free();
    }
    if (obj != null) {
      obj.detach();
    }
    if (interpObj != null) {
      interpObj.detach();
    }
    SystemAudit.checkAllFreed(uvm, freeAtStart);
  }

  private ElfLoader.Loaded load(byte[] img, List<String> argv) throws Exception {
    ElfFile elf = ElfFile.parse(img);
    obj = new FileObject(uvm, "test", img);
    return ElfLoader.load(
        vm,
        elf,
        obj,
        null,
        null,
        new ElfLoader.StackContents(
            argv.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList(),
            List.of("A=1".getBytes(StandardCharsets.UTF_8)),
            "/prog".getBytes(StandardCharsets.UTF_8),
            new byte[16],
            new long[] {Auxv.AT_CLKTCK, 100}),
        ElfLoader.STACK_SIZE);
  }

  private byte[] read(long va, int len) {
    byte[] b = new byte[len];
    assertThat(vm.copyin(va, b, 0, len)).as("copyin 0x%x", va).isZero();
    return b;
  }

  private VmMapEntry entryAt(long va) {
    vm.map().lock();
    try {
      return vm.map().lookup(va);
    } finally {
      vm.map().unlock();
    }
  }

  @Test
  void mapsTextDataBssAndStack() throws Exception {
    byte[] img = ElfImageBuilder.typical().build();
    ElfLoader.Loaded l = load(img, List.of("prog", "x"));
    assertThat(l).isNotNull();
    assertThat(l.entry()).isEqualTo(0x401000);
    // text: the file bytes at offset 0x1000
    byte[] text = read(0x401000, 0x100);
    for (int i = 0; i < 0x100; i++) {
      assertThat(text[i]).isEqualTo(img[0x1000 + i]);
    }
    assertThat(entryAt(0x401000).protection).isEqualTo(Prot.RX);
    assertThat(entryAt(0x401000).object).isSameAs(obj);
    // data: 0x20 file bytes at 0x402010, then zeroes to the end of the page although the file
    // has non-zero bytes there
    byte[] data = read(0x402010, 0x40);
    for (int i = 0; i < 0x20; i++) {
      assertThat(data[i]).isEqualTo(img[0x2010 + i]);
    }
    for (int i = 0x20; i < 0x40; i++) {
      assertThat(data[i]).as("bss byte %d", i).isZero();
    }
    assertThat(img[0x2030]).isNotZero();
    byte[] tail = read(0x402030, 0x1000 - 0x30);
    assertThat(tail).containsOnly(0);
    // bss pages past the file page are anonymous zero-fill
    assertThat(read(0x403000, 0x2010)).containsOnly(0);
    assertThat(entryAt(0x404000).object).isNull();
    assertThat(entryAt(0x404000).protection).isEqualTo(Prot.RW);
    // writing data is copy-on-write: the object's page keeps the file contents
    assertThat(vm.copyout(0x402010, new byte[] {42}, 0, 1)).isZero();
    assertThat(read(0x402010, 1)[0]).isEqualTo((byte) 42);
    org.uvm4j.uvm.page.VmPage objPage = obj.getPage(0x2000);
    byte fileByte = uvm.physMem().region(0).get((objPage.frame << 12) + 0x10);
    assertThat(fileByte).isEqualTo(img[0x2010]).isNotEqualTo((byte) 42);
    // text is not writable
    assertThat(vm.copyout(0x401000, new byte[1], 0, 1)).isEqualTo(Errno.EFAULT);
    // break after the highest segment, page aligned
    assertThat(l.brkBase()).isEqualTo(0x406000);
    assertThat(vm.brk(0)).isEqualTo(0x406000);
    // stack: argc, argv[0], argv[1], NULL, envp[0], NULL, then auxv
    assertThat(l.sp() & 15).isZero();
    assertThat(l.sp()).isLessThan(ElfLoader.STACK_TOP).isGreaterThan(l.stackBase());
    ByteBuffer st = ByteBuffer.wrap(read(l.sp(), 8 * 8)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(st.getLong(0)).isEqualTo(2);
    assertThat(cstring(st.getLong(8))).isEqualTo("prog");
    assertThat(cstring(st.getLong(16))).isEqualTo("x");
    assertThat(st.getLong(24)).isZero();
    assertThat(cstring(st.getLong(32))).isEqualTo("A=1");
    assertThat(st.getLong(40)).isZero();
    assertThat(st.getLong(48)).isEqualTo(Auxv.AT_PHDR);
    assertThat(st.getLong(56)).isEqualTo(0x400040);
    // AT_PHDR really points at the program headers
    assertThat(read(0x400040, 56)).isEqualTo(java.util.Arrays.copyOfRange(img, 64, 64 + 56));
    // the stack below the image is zero-fill and writable; below the region nothing is mapped
    assertThat(vm.copyout(l.stackBase(), new byte[8], 0, 8)).isZero();
    assertThat(vm.copyin(l.stackBase() - 8, new byte[8], 0, 8)).isEqualTo(Errno.EFAULT);
  }

  private String cstring(long va) {
    byte[] b = new byte[64];
    int n;
    try {
      n = vm.copyinstr(va, b, b.length);
    } catch (UvmException e) {
      throw new AssertionError("copyinstr: " + e.getMessage(), e);
    }
    assertThat(n).isGreaterThanOrEqualTo(0);
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void readOnlySegmentWithZeroTailIsZeroedAndStaysReadOnly() throws Exception {
    ElfImageBuilder b = ElfImageBuilder.typical();
    b.phs.set(0, new Ph(ElfFile.PT_LOAD, Segment.PF_R, 0, 0x400000, 0x200, 0x300, 0x1000));
    assertThat(load(b.build(), List.of("p"))).isNotNull();
    assertThat(read(0x400200, 0x100)).containsOnly(0);
    assertThat(entryAt(0x400000).protection).isEqualTo(Prot.READ);
    assertThat(vm.copyout(0x400200, new byte[1], 0, 1)).isEqualTo(Errno.EFAULT);
  }

  @Test
  void bssOnlySegmentSharingAPageWithThePreviousOneKeepsItsBytes() throws Exception {
    ElfImageBuilder b = new ElfImageBuilder();
    b.add(
        new Ph(
            ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000));
    b.add(
        new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_W, 0x2000, 0x402000, 0x80, 0x80, 0x1000));
    b.add(
        new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_W, 0x2100, 0x402100, 0, 0x2000, 0x1000));
    byte[] img = b.build();
    assertThat(load(img, List.of("p"))).isNotNull();
    byte[] data = read(0x402000, 0x80);
    for (int i = 0; i < 0x80; i++) {
      assertThat(data[i]).isEqualTo(img[0x2000 + i]);
    }
    assertThat(read(0x402100, 0x2000)).containsOnly(0);
  }

  @Test
  void staticPieLoadsAtTheFixedBase() throws Exception {
    ElfImageBuilder b = new ElfImageBuilder();
    b.type = ElfFile.ET_DYN;
    b.entry = 0x1010;
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R, 0, 0, 0x200, 0x200, 0x1000));
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x1000, 0x80, 0x80, 0x1000));
    byte[] img = b.build();
    ElfLoader.Loaded l = load(img, List.of("p"));
    assertThat(l.entry()).isEqualTo(ElfFile.DYN_BASE + 0x1010);
    assertThat(read(ElfFile.DYN_BASE + 0x1000, 1)[0]).isEqualTo(img[0x1000]);
  }

  /** A PIE asking for an interpreter: R at 0, RX at 0x1000 (entry 0x1010), PT_PHDR at 0x40. */
  private static byte[] dynamicProgram() {
    ElfImageBuilder b = new ElfImageBuilder();
    b.type = ElfFile.ET_DYN;
    b.entry = 0x1010;
    b.add(new Ph(ElfFile.PT_PHDR, Segment.PF_R, 0x40, 0x40, 4 * 56, 4 * 56, 8));
    b.add(new Ph(ElfFile.PT_INTERP, Segment.PF_R, 0x200, 0x200, 8, 8, 1));
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R, 0, 0, 0x300, 0x300, 0x1000));
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x1000, 0x80, 0x80, 0x1000));
    byte[] img = b.build();
    System.arraycopy("/ld.so\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, img, 0x200, 8);
    return img;
  }

  /** An ld.so: RX at 0 (entry 0x100), RW data at 0x2010 with bss to 0x2800. */
  private static ElfImageBuilder interpreter() {
    ElfImageBuilder b = new ElfImageBuilder();
    b.type = ElfFile.ET_DYN;
    b.entry = 0x100;
    b.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0, 0, 0x400, 0x400, 0x1000));
    b.add(
        new Ph(ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_W, 0x2010, 0x2010, 0x20, 0x7f0, 0x1000));
    return b;
  }

  private ElfLoader.Loaded loadDynamic(byte[] prog, byte[] interp) throws Exception {
    ElfFile elf = ElfFile.parse(prog);
    obj = new FileObject(uvm, "prog", prog);
    interpObj = new FileObject(uvm, "ld.so", interp);
    return ElfLoader.load(
        vm,
        elf,
        obj,
        new ElfLoader.Interpreter(ElfFile.parse(interp), interpObj),
        null,
        new ElfLoader.StackContents(
            List.of("p".getBytes(StandardCharsets.UTF_8)),
            List.of(),
            "/prog".getBytes(StandardCharsets.UTF_8),
            new byte[16],
            new long[0]),
        ElfLoader.STACK_SIZE);
  }

  /** The auxiliary vector on the initial stack of {@code l} (argc, argv, envp, then pairs). */
  private java.util.Map<Long, Long> auxv(ElfLoader.Loaded l) {
    ByteBuffer st =
        ByteBuffer.wrap(read(l.sp(), (int) Math.min(512, ElfLoader.STACK_TOP - l.sp())))
            .order(ByteOrder.LITTLE_ENDIAN);
    int at = 8 * (1 + (int) st.getLong(0) + 1);
    while (st.getLong(at) != 0) {
      at += 8;
    }
    at += 8;
    java.util.Map<Long, Long> aux = new java.util.LinkedHashMap<>();
    for (; st.getLong(at) != Auxv.AT_NULL; at += 16) {
      aux.put(st.getLong(at), st.getLong(at + 8));
    }
    return aux;
  }

  @Test
  void dynamicProgramStartsInItsInterpreterWithTheAuxiliaryVectorOfLinux() throws Exception {
    byte[] prog = dynamicProgram();
    byte[] interp = interpreter().build();
    assertThat(ElfFile.parse(prog).interpreter()).isEqualTo("/ld.so");
    ElfLoader.Loaded l = loadDynamic(prog, interp);
    long base = l.interpBase();
    // the interpreter goes where an mmap would: page aligned, top-down below the mmap base
    assertThat(base & 0xfff).isZero();
    assertThat(base).isGreaterThan(ElfFile.DYN_BASE).isLessThan(Vmspace.MMAP_BASE);
    assertThat(l.entry()).isEqualTo(base + 0x100);
    assertThat(read(base, 0x400)).isEqualTo(java.util.Arrays.copyOfRange(interp, 0, 0x400));
    assertThat(entryAt(base).protection).isEqualTo(Prot.RX);
    assertThat(entryAt(base).object).isSameAs(interpObj);
    // the gap between its segments stays unmapped
    assertThat(entryAt(base + 0x1000)).isNull();
    // data bytes, then zeroes to the end of the page (padzero), beyond memsz too
    assertThat(read(base + 0x2010, 0x20))
        .isEqualTo(java.util.Arrays.copyOfRange(interp, 0x2010, 0x2030));
    assertThat(interp[0x2900]).isNotZero();
    assertThat(read(base + 0x2030, 0x1000 - 0x30)).containsOnly(0);
    // the program at its own place; the interpreter learns of it through the auxiliary vector
    assertThat(read(ElfFile.DYN_BASE + 0x1000, 0x80))
        .isEqualTo(java.util.Arrays.copyOfRange(prog, 0x1000, 0x1080));
    java.util.Map<Long, Long> aux = auxv(l);
    assertThat(aux)
        .containsEntry((long) Auxv.AT_BASE, base)
        .containsEntry((long) Auxv.AT_ENTRY, ElfFile.DYN_BASE + 0x1010)
        .containsEntry((long) Auxv.AT_PHDR, ElfFile.DYN_BASE + 0x40)
        .containsEntry((long) Auxv.AT_PHENT, 56L)
        .containsEntry((long) Auxv.AT_PHNUM, 4L);
    assertThat(l.brkBase()).isEqualTo(ElfFile.DYN_BASE + 0x2000);
  }

  @Test
  void aStaticProgramHasNoInterpreterBase() throws Exception {
    ElfLoader.Loaded l = load(ElfImageBuilder.typical().build(), List.of("p"));
    assertThat(l.interpBase()).isZero();
    assertThat(auxv(l)).containsEntry((long) Auxv.AT_BASE, 0L);
  }

  @Test
  void anEtExecInterpreterOverTheProgramIsRefused() throws Exception {
    ElfImageBuilder ib = new ElfImageBuilder();
    ib.entry = 0x1000;
    // at the program's own addresses (its PT_LOADs lie at DYN_BASE...)
    ib.add(
        new Ph(
            ElfFile.PT_LOAD,
            Segment.PF_R | Segment.PF_X,
            0x1000,
            ElfFile.DYN_BASE + 0x1000,
            0x80,
            0x80,
            0x1000));
    ib.entry = ElfFile.DYN_BASE + 0x1000;
    assertThatThrownBy(() -> loadDynamic(dynamicProgram(), ib.build()))
        .isInstanceOf(UvmException.class)
        .extracting(e -> ((UvmException) e).errno())
        .isEqualTo(Errno.EEXIST);
    // the program's own mapping is untouched
    assertThat(entryAt(ElfFile.DYN_BASE + 0x1000).object).isSameAs(obj);
  }

  @Test
  void tooLargeArgumentsAreE2big() throws Exception {
    String huge = "y".repeat(100_000);
    List<String> argv = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      argv.add(huge);
    }
    assertThatThrownBy(() -> load(ElfImageBuilder.typical().build(), argv))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.E2BIG));
  }
}
