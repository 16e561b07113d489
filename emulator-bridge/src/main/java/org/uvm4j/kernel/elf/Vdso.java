package org.uvm4j.kernel.elf;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * The vDSO of a kernel: the pages every process gets at exec (Linux's {@code map_vdso}), shared by
 * all of them. As Linux 6.1 to 6.12 lay it out on x86-64: {@code [vvar]}, {@link #VVAR_SIZE} bytes
 * read-only (and never writable: maximum protection read), then {@code [vdso]}, the {@link
 * VdsoImage} ({@link VdsoImage#SIZE} bytes, read and execute, a private mapping a debugger may make
 * writable, copy-on-write), placed together where an {@code mmap(NULL)} of both would go: after the
 * program and its interpreter, top-down. {@code AT_SYSINFO_EHDR} points at the image's ELF header.
 * A fork inherits both mappings; an exec maps them afresh.
 *
 * <p>The vvar pages are zero: Linux keeps the clock data there for its vDSO's user-space clock
 * reads, but this vDSO's functions enter the kernel (see {@link VdsoImage}) and never read them.
 *
 * <p>The objects hold one reference of the kernel's, given back by {@link #release()}.
 */
public final class Vdso {
  /** Linux's {@code vvar} area: the vvar, pvclock, hvclock and time-namespace pages. */
  public static final int VVAR_SIZE = 4 * 4096;

  /** What /proc/PID/maps calls the two mappings. */
  public static final String VVAR_NAME = "[vvar]";

  public static final String VDSO_NAME = "[vdso]";

  private final FileObject vvar;
  private final FileObject image;

  /** The kernel's vDSO over {@code uvm}'s memory. */
  public Vdso(Uvm uvm) {
    this.vvar = new FileObject(uvm, VVAR_NAME, new byte[VVAR_SIZE]);
    this.image = new FileObject(uvm, VDSO_NAME, VdsoImage.build());
  }

  /** Whether {@code obj} is the vvar object. */
  public boolean isVvar(UvmObject obj) {
    return obj == vvar;
  }

  /** Whether {@code obj} is the vDSO image's object. */
  public boolean isImage(UvmObject obj) {
    return obj == image;
  }

  /**
   * Maps vvar and the image into {@code vm} where a fresh mapping of both fits.
   *
   * @return the image's address (AT_SYSINFO_EHDR)
   */
  // arch/x86/entry/vdso/vma.c: map_vdso
  public long map(Vmspace vm) throws UvmException {
    long size = VVAR_SIZE + VdsoImage.SIZE;
    long base = vm.mmap(MapRequest.anon(size, Prot.NONE));
    vm.mmap(
        MapRequest.anon(VVAR_SIZE, Prot.READ)
            .withMaxProt(Prot.READ)
            .withObject(vvar, 0)
            .fixed(base));
    long text = base + VVAR_SIZE;
    vm.mmap(MapRequest.anon(VdsoImage.SIZE, Prot.RX).withObject(image, 0).fixed(text));
    return text;
  }

  /** Drops the kernel's references (the last mapping frees the pages). */
  public void release() {
    vvar.detach();
    image.detach();
  }
}
