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
import org.uvm4j.kernel.fs.FsContext;
import org.uvm4j.kernel.fs.Location;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.OpenFlags;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.kernel.fs.Vfs;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
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

  /** Linux ELIBBAD (not in {@link Errno}): the program interpreter is not a loadable ELF. */
  public static final int ELIBBAD = 80;

  /** Linux's MAX_ARG_STRINGS. */
  public static final int MAX_ARG_STRINGS = 0x7FFFFFFF;

  private final Cpu cpu;
  private final Vfs vfs;
  private final Uvm uvm;
  private final ProcEvents events;
  private final FaultHandler faultHandler;
  private final KernelCounters counters;
  private final ExecCache cache;
  private final SplittableRandom random;
  private ProcLifecycle lifecycle;

  Exec(
      Cpu cpu,
      Vfs vfs,
      Uvm uvm,
      FaultHandler faultHandler,
      KernelCounters counters,
      ExecCache cache,
      ProcEvents events,
      long seed) {
    this.cpu = cpu;
    this.vfs = vfs;
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
   * {@code path} (resolved in {@code fs}: the caller's root and working directory) names a runnable
   * program, else the errno (ENOENT, EACCES, ENOEXEC…).
   */
  public int check(FsContext fs, String path) {
    Lookup l = lookup(fs, path);
    if (l.image() == null) {
      log.info("execve {}: {}", path, l.message());
      return l.errno();
    }
    l.done();
    return 0;
  }

  /**
   * execve for the syscall layer: looks the program up in {@code p}'s file system context and
   * replaces {@code p}'s image ({@code p} loaded in the machine).
   *
   * @return 0 or a positive errno (the old image intact)
   */
  public int execve(Proc p, String path, List<byte[]> argv, List<byte[]> envp) {
    Lookup l = lookup(p.fs, path);
    if (l.image() == null) {
      log.info("execve {}: {}", path, l.message());
      return l.errno();
    }
    try {
      int e = execve(p, path, l.image(), argv, envp);
      if (e == 0) {
        p.exePath = l.guestPath();
      }
      return e;
    } finally {
      l.done();
    }
  }

  /**
   * A program file found and checked (its guest path and image; {@link #done()} drops an uncached
   * image's reference once it is mapped), or why not (positive errno and a message).
   */
  record Lookup(
      ExecCache.Image image,
      String guestPath,
      boolean cached,
      int errno,
      String message,
      boolean shortHeader) {
    Lookup(ExecCache.Image image, String guestPath, boolean cached, int errno, String message) {
      this(image, guestPath, cached, errno, message, false);
    }

    static Lookup failed(int errno, String message) {
      return new Lookup(null, null, false, errno, message);
    }

    /** ENOEXEC for a file that is not a runnable ELF; {@code shortHeader}: not even 64 bytes. */
    static Lookup notElf(String path, byte[] bytes, ElfException e) {
      return new Lookup(
          null,
          null,
          false,
          Errno.ENOEXEC,
          path + ": " + e.getMessage(),
          bytes.length < ElfFile.EHDR_SIZE);
    }

    /** Drops the lookup's reference on an image the cache does not hold. */
    void done() {
      if (image != null && !cached) {
        image.object().detach();
      }
    }
  }

  /**
   * The program interpreter named by a program's PT_INTERP, resolved in the same file system
   * context ({@code binfmt_elf.c}: {@code open_exec(elf_interpreter)}): a missing one is ENOENT, a
   * non-executable one EACCES (as for the program), one shorter than an ELF header EIO (Linux's
   * {@code elf_read} of the header comes up short), and one that is not a loadable x86-64 ELF
   * ELIBBAD. (Linux reads an interpreter whose {@code e_type} is neither ET_EXEC nor ET_DYN only
   * after the point of no return and kills the process with SIGSEGV; here every check is made
   * before, so the caller sees ELIBBAD with its image intact.)
   */
  Lookup lookupInterpreter(FsContext fs, String interpPath) {
    Lookup l = lookup(fs, interpPath);
    if (l.image() == null && l.errno() == Errno.ENOEXEC) {
      return Lookup.failed(
          l.shortHeader() ? Errno.EIO : ELIBBAD, "program interpreter " + l.message());
    }
    if (l.image() == null) {
      return Lookup.failed(l.errno(), "program interpreter " + l.message());
    }
    return l;
  }

  /** Largest program read from a file system other than the host's (tmpfs): 256 MiB. */
  static final long MAX_UNCACHED_IMAGE = 256L << 20;

  /**
   * namei + check_exec: resolves {@code path} in {@code fs}, checks that it is an executable
   * regular file and a runnable ELF, and returns its image (cached for host files).
   */
  // kern_exec.c: check_exec
  Lookup lookup(FsContext fs, String path) {
    if (path.isEmpty()) {
      return Lookup.failed(Errno.ENOENT, "empty path");
    }
    Location loc;
    Stat st;
    try {
      loc = vfs.lookup(fs, fs.cwd(), path, true);
      st = loc.vnode().stat();
    } catch (UvmException e) {
      String why =
          e.errno() == Errno.ENOENT ? "no such file" : "cannot access (errno " + e.errno() + ")";
      return Lookup.failed(e.errno(), path + ": " + why);
    }
    int type = st.mode() & Stat.S_IFMT;
    if (type != Stat.S_IFREG) {
      return Lookup.failed(
          Errno.EACCES,
          path + (type == Stat.S_IFDIR ? ": is a directory" : ": not a regular file"));
    }
    if ((st.mode() & 0111) == 0) {
      return Lookup.failed(Errno.EACCES, path + ": permission denied (not executable)");
    }
    long mtime = st.mtimeSec() * 1_000_000_000L + st.mtimeNsec();
    Path real = loc.vnode().hostPath();
    if (real != null) {
      if (!Files.isExecutable(real) || !Files.isReadable(real)) {
        return Lookup.failed(Errno.EACCES, path + ": permission denied (not executable)");
      }
      ExecCache.Image img = cache.lookup(real, st.size(), mtime);
      if (img != null) {
        return new Lookup(img, loc.path(), true, 0, null);
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(real);
      } catch (IOException | OutOfMemoryError e) {
        return Lookup.failed(Errno.EIO, path + ": cannot read: " + e.getMessage());
      }
      ElfFile elf;
      try {
        elf = ElfFile.parse(bytes);
      } catch (ElfException e) {
        return Lookup.notElf(path, bytes, e);
      }
      return new Lookup(
          cache.insert(real, st.size(), mtime, elf, bytes), loc.path(), true, 0, null);
    }
    // another file system (tmpfs): read it through the VFS; not cached (it may be rewritten)
    if (st.size() > MAX_UNCACHED_IMAGE) {
      return Lookup.failed(Errno.ENOMEM, path + ": too large to load");
    }
    byte[] bytes = new byte[(int) st.size()];
    try {
      OpenFile f = loc.vnode().open(OpenFlags.O_RDONLY);
      try {
        int done = 0;
        while (done < bytes.length) {
          long n = f.pread(bytes, done, bytes.length - done, done);
          if (n <= 0) {
            break;
          }
          done += (int) n;
        }
      } finally {
        f.release();
      }
    } catch (UvmException e) {
      return Lookup.failed(e.errno(), path + ": cannot read (errno " + e.errno() + ")");
    }
    ElfFile elf;
    try {
      elf = ElfFile.parse(bytes);
    } catch (ElfException e) {
      return Lookup.notElf(path, bytes, e);
    }
    ExecCache.Image img = new ExecCache.Image(elf, new FileObject(uvm, loc.path(), bytes));
    return new Lookup(img, loc.path(), false, 0, null);
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
    if (p.vm != null && p.vm.isDenyWriteExec() && !p.vm.isDenyWriteExecNoInherit()) {
      nvm.denyWriteExec(false); // PR_SET_MDWE survives execve unless PR_MDWE_NO_INHERIT
    }
    byte[] rnd = new byte[16];
    random.nextBytes(rnd);
    // ELF_HWCAP: CPUID.1:EDX of the CPU the guest runs on (none only in the CPU-less test kernels,
    // which never get past the point of no return)
    Machine cpuNow = cpu.machine();
    long hwcap = cpuNow == null ? 0 : cpuNow.cpuId().hwcap();
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
      hwcap,
      Auxv.AT_CLKTCK,
      100,
      Auxv.AT_MINSIGSTKSZ,
      SigFpstate.maxFrameSize()
    };
    String interpPath = img.elf().interpreter();
    Lookup il = null;
    ElfLoader.Interpreter interp = null;
    if (interpPath != null) {
      il = lookupInterpreter(p.fs, interpPath);
      if (il.image() == null) {
        nvm.free();
        log.info("exec {}: {}", path, il.message());
        return il.errno();
      }
      interp = new ElfLoader.Interpreter(il.image().elf(), il.image().object());
    }
    ElfLoader.Loaded loaded;
    try {
      loaded =
          ElfLoader.load(
              nvm,
              img.elf(),
              img.object(),
              interp,
              cache.vdso(),
              new ElfLoader.StackContents(
                  argv, envp, path.getBytes(StandardCharsets.UTF_8), rnd, aux),
              p.rlimits().cur(ResourceLimits.RLIMIT_STACK));
    } catch (UvmException e) {
      nvm.free();
      log.info("exec {} failed: errno {}", path, e.errno());
      return e.errno();
    } finally {
      if (il != null) {
        il.done(); // the new image's mappings hold their own references
      }
    }
    // Point of no return: the new image is complete.
    int oldTid = p.pid;
    lifecycle.deThread(p); // the other threads end; p becomes the process's only thread
    lifecycle.execRelease(p);
    p.clearChildTid = 0;
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
    p.cmdline = GuestProcSource.joined(argv);
    p.environ = GuestProcSource.joined(envp);
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
    if (p.ptrace != null) {
      lifecycle.ptrace().execed(p, oldTid); // PTRACE_EVENT_EXEC stop, or SIGTRAP
    }
    return 0;
  }

  static String basename(String path) {
    int slash = path.lastIndexOf('/');
    String b = slash >= 0 ? path.substring(slash + 1) : path;
    return b.length() > 15 ? b.substring(0, 15) : b;
  }
}
