package org.uvm4j.kernel.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF64 images byte by byte for parser and loader tests. */
final class ElfImageBuilder {
  record Ph(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {}

  byte eiClass = 2;
  byte eiData = 1;
  byte eiVersion = 1;
  int type = ElfFile.ET_EXEC;
  int machine = ElfFile.EM_X86_64;
  int version = 1;
  long entry = 0x401000;
  long phoff = 64;
  int ehsize = 64;
  int phentsize = 56;
  Integer phnumOverride;
  int fileSize = 0x3000;
  final List<Ph> phs = new ArrayList<>();
  final List<long[]> patches = new ArrayList<>();

  /** A typical static program: RX text at 0x401000 and RW data+bss at 0x402000. */
  static ElfImageBuilder typical() {
    ElfImageBuilder b = new ElfImageBuilder();
    b.phs.add(new Ph(ElfFile.PT_LOAD, Segment.PF_R, 0, 0x400000, 0x200, 0x200, 0x1000));
    b.phs.add(
        new Ph(
            ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000));
    b.phs.add(
        new Ph(
            ElfFile.PT_LOAD, Segment.PF_R | Segment.PF_W, 0x2010, 0x402010, 0x20, 0x3000, 0x1000));
    b.phs.add(new Ph(ElfFile.PT_GNU_STACK, Segment.PF_R | Segment.PF_W, 0, 0, 0, 0, 16));
    return b;
  }

  ElfImageBuilder add(Ph ph) {
    phs.add(ph);
    return this;
  }

  byte[] build() {
    int phnum = phnumOverride != null ? phnumOverride : phs.size();
    int size = Math.max(fileSize, 64);
    byte[] img = new byte[size];
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    img[0] = 0x7f;
    img[1] = 'E';
    img[2] = 'L';
    img[3] = 'F';
    img[4] = eiClass;
    img[5] = eiData;
    img[6] = eiVersion;
    b.putShort(16, (short) type);
    b.putShort(18, (short) machine);
    b.putInt(20, version);
    b.putLong(24, entry);
    b.putLong(32, phoff);
    b.putShort(52, (short) ehsize);
    b.putShort(54, (short) phentsize);
    b.putShort(56, (short) phnum);
    for (int i = 0; i < phs.size(); i++) {
      long at = phoff + (long) i * 56;
      if (at < 0 || at > size - 56) {
        break;
      }
      Ph p = phs.get(i);
      int o = (int) at;
      b.putInt(o, p.type());
      b.putInt(o + 4, p.flags());
      b.putLong(o + 8, p.offset());
      b.putLong(o + 16, p.vaddr());
      b.putLong(o + 24, p.vaddr());
      b.putLong(o + 32, p.filesz());
      b.putLong(o + 40, p.memsz());
      b.putLong(o + 48, p.align());
    }
    // recognisable file contents: byte i of the file is (i * 7 + 1) outside the headers
    long phEnd = phoff >= 0 && phoff < size ? phoff + 56L * phs.size() : 64;
    int hdrEnd = (int) Math.min(size, Math.max(64, phEnd));
    for (int i = hdrEnd; i < size; i++) {
      img[i] = (byte) (i * 7 + 1);
    }
    return img;
  }
}
