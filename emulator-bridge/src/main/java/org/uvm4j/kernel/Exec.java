package org.uvm4j.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.elf.Auxv;
import org.uvm4j.kernel.elf.ElfException;
import org.uvm4j.kernel.elf.ElfFile;
import org.uvm4j.kernel.elf.ElfLoader;
import org.uvm4j.kernel.elf.StackImage;
import org.uvm4j.kernel.fs.HostFs;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;

/**
 * Program execution ({@code kern_exec.c}: {@code execve1}): finds and checks the file, builds the
 * new address space completely, and only then replaces the old one, so a failed exec leaves the
 * caller's image untouched. The new image starts with every register zero except RIP (the entry)
 * and RSP (argc on the initial stack).
 */
public final class Exec {
  private static final Logger log = LogManager.getLogger("kern.exec");

  /** Linux's MAX_ARG_STRLEN: one argument or environment string. */
  public static final int MAX_ARG_STRLEN = 131072;

  /** Total argument and environment bytes (a quarter of the stack, as Linux's default). */
  public static final long ARG_MAX = ElfLoader.STACK_SIZE / 4;

  /** Linux's MAX_ARG_STRINGS. */
  public static final int MAX_ARG_STRINGS = 0x7FFFFFFF;

  private final Cpu cpu;
  private final HostFs hostFs;
  private final Uvm uvm;
  private final ProcEvents events;
  private final FaultHandler faultHandler;
  private final KernelCounters counters;
  private final ExecCache cache;
  private final SplittableRandom random;
  private ProcLifecycle lifecycle;

  Exec(
      Cpu cpu,
      HostFs hostFs,
      Uvm uvm,
      FaultHandler faultHandler,
      KernelCounters counters,
      ExecCache cache,
      ProcEvents events,
      long seed) {
    this.cpu = cpu;
    this.hostFs = hostFs;
    this.uvm = uvm;
    this.faultHandler = faultHandler;
    this.counters = counters;
    this.cache = cache;
    this.events = events;
    this.random = new SplittableRandom(seed);
  }

  /** The lifecycle that releases a vfork parent when its child execs. */
  void bind(ProcLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /**
   * execve's first step, before the arguments are copied (as Linux opens the file first): 0 when
   * {@code path} (relative to the host working directory) names a runnable program, else the errno
   * (ENOENT, EACCES, ENOEXEC…).
   */
  public int check(String path) {
    Lookup l = lookup(hostFs.cwd(), path);
    if (l.image() == null) {
      log.info("execve {}: {}", path, l.message());
      return l.errno();
    }
    return 0;
  }

  /**
   * execve for the syscall layer: looks the program up relative to the host working directory and
   * replaces {@code p}'s image ({@code p} loaded in the machine).
   *
   * @return 0 or a positive errno (the old image intact)
   */
  public int execve(Proc p, String path, List<byte[]> argv, List<byte[]> envp) {
    Lookup l = lookup(hostFs.cwd(), path);
    if (l.image() == null) {
      log.info("execve {}: {}", path, l.message());
      return l.errno();
    }
    return execve(p, path, l.image(), argv, envp);
  }

  /** A program file found and checked, or why not (positive errno and a message). */
  record Lookup(ExecCache.Image image, int errno, String message) {}

  /**
   * namei + check_exec: resolves {@code path}, checks that it is an executable regular file and a
   * runnable ELF, and returns its (cached) image.
   */
  // kern_exec.c: check_exec
  Lookup lookup(Path base, String path) {
    if (path.isEmpty()) {
      return new Lookup(null, Errno.ENOENT, "empty path");
    }
    Path p;
    try {
      p = HostFs.resolve(base, path);
    } catch (java.nio.file.InvalidPathException e) {
      return new Lookup(null, Errno.ENOENT, path + ": invalid path");
    }
    Stat st;
    try {
      st = hostFs.stat(p, true);
    } catch (UvmException e) {
      String why =
          e.errno() == Errno.ENOENT ? "no such file" : "cannot access (errno " + e.errno() + ")";
      return new Lookup(null, e.errno(), p + ": " + why);
    }
    int type = st.mode() & Stat.S_IFMT;
    if (type != Stat.S_IFREG) {
      return new Lookup(
          null,
          Errno.EACCES,
          p + (type == Stat.S_IFDIR ? ": is a directory" : ": not a regular file"));
    }
    if (!Files.isExecutable(p) || !Files.isReadable(p)) {
      return new Lookup(null, Errno.EACCES, p + ": permission denied (not executable)");
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      return new Lookup(null, Errno.ENOENT, p + ": " + e.getMessage());
    }
    Stat s = st;
    long mtime = s.mtimeSec() * 1_000_000_000L + s.mtimeNsec();
    ExecCache.Image img = cache.lookup(real, s.size(), mtime);
    if (img != null) {
      return new Lookup(img, 0, null);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(real);
    } catch (IOException | OutOfMemoryError e) {
      return new Lookup(null, Errno.EIO, p + ": cannot read: " + e.getMessage());
    }
    ElfFile elf;
    try {
      elf = ElfFile.parse(bytes);
    } catch (ElfException e) {
      return new Lookup(null, Errno.ENOEXEC, p + ": " + e.getMessage());
    }
    return new Lookup(cache.insert(real, s.size(), mtime, elf, bytes), 0, null);
  }

  /**
   * execve1 after the arguments were copied in: builds the new image for {@code p} and switches to
   * it. {@code p} must be loaded in the machine.
   *
   * @return 0, or a positive errno with {@code p} unchanged
   */
  // kern_exec.c: execve1
  int execve(Proc p, String path, ExecCache.Image img, List<byte[]> argv, List<byte[]> envp) {
    if (StackImage.stringBytes(argv, envp) > ARG_MAX) {
      return Errno.E2BIG;
    }
    Vmspace nvm = Vmspace.create(uvm, faultHandler);
    byte[] rnd = new byte[16];
    random.nextBytes(rnd);
    long[] aux = {
      Auxv.AT_FLAGS,
      0,
      Auxv.AT_UID,
      Kernel.UID,
      Auxv.AT_EUID,
      Kernel.UID,
      Auxv.AT_GID,
      Kernel.GID,
      Auxv.AT_EGID,
      Kernel.GID,
      Auxv.AT_SECURE,
      0,
      Auxv.AT_HWCAP,
      0,
      Auxv.AT_CLKTCK,
      100
    };
    ElfLoader.Loaded loaded;
    try {
      loaded =
          ElfLoader.load(
              nvm,
              img.elf(),
              img.object(),
              argv,
              envp,
              path.getBytes(StandardCharsets.UTF_8),
              rnd,
              aux);
    } catch (UvmException e) {
      nvm.free();
      log.info("exec {} failed: errno {}", path, e.errno());
      return e.errno();
    }
    // Point of no return: the new image is complete.
    Vmspace old = p.vm;
    p.vm = nvm;
    Machine m = cpu.machine();
    m.activate(nvm);
    if (p.vforkParent != null) {
      lifecycle.releaseVforkParent(p);
    }
    old.free();
    p.files.closeOnExec();
    p.sig.execReset();
    p.comm = basename(path);
    p.robustListHead = 0; // exec_mm_release: the old image's robust list is gone
    p.robustListLen = 0;
    cpu.resetContext(p);
    m.setReg(Reg.RIP, loaded.entry());
    m.setReg(Reg.RSP, loaded.sp());
    counters.execs++;
    events.exec(p.pid, path);
    if (log.isDebugEnabled()) {
      log.debug(
          "{} exec {}: entry 0x{} sp 0x{} brk 0x{}",
          p,
          path,
          Long.toHexString(loaded.entry()),
          Long.toHexString(loaded.sp()),
          Long.toHexString(loaded.brkBase()));
    }
    return 0;
  }

  static String basename(String path) {
    int slash = path.lastIndexOf('/');
    String b = slash >= 0 ? path.substring(slash + 1) : path;
    return b.length() > 15 ? b.substring(0, 15) : b;
  }
}
