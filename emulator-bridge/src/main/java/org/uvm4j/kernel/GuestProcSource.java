package org.uvm4j.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.elf.ElfLoader;
import org.uvm4j.kernel.elf.Vdso;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.kernel.fs.ProcSource;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * The guest's {@code /proc} contents from this kernel's processes (the {@link ProcSource} of {@link
 * org.uvm4j.kernel.fs.ProcFs}): maps from the vmspaces, argument and environment strings saved at
 * exec, descriptor targets from the file tables, memory totals from the UVM. Never the JVM's.
 */
final class GuestProcSource implements ProcSource {
  private static final long PAGE = 4096;

  private final ProcTable procs;
  private final Uvm uvm;
  private final VirtualClock clock;
  private final VirtualCpus cpus;

  GuestProcSource(ProcTable procs, Uvm uvm, VirtualClock clock, VirtualCpus cpus) {
    this.procs = procs;
    this.uvm = uvm;
    this.clock = clock;
    this.cpus = cpus;
  }

  private Proc proc(int pid) {
    return procs.find(pid);
  }

  @Override
  public List<Integer> pids() {
    List<Integer> l = new ArrayList<>();
    for (Proc p : procs.all()) {
      if (p.leader() == p) { // /proc lists processes; a thread's directory is found by lookup
        l.add(p.pid);
      }
    }
    l.sort(null);
    return l;
  }

  @Override
  public List<Integer> tids(int pid) {
    Proc p = proc(pid);
    List<Integer> l = new ArrayList<>();
    if (p != null) {
      for (Proc t : p.group.live()) {
        l.add(t.pid);
      }
    }
    return l;
  }

  @Override
  public boolean exists(int pid) {
    return proc(pid) != null;
  }

  @Override
  public String maps(int pid) {
    Proc p = proc(pid);
    if (p == null) {
      return null;
    }
    Vmspace vm = p.vm;
    if (vm == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    VmMap map = vm.map();
    map.lock();
    try {
      long brk = vm.brkCurrent();
      for (VmMapEntry e : map.entries()) {
        String head =
            String.format(
                "%08x-%08x %c%c%c%c %08x 00:00 0",
                e.start,
                e.end,
                (e.protection & Prot.READ) != 0 ? 'r' : '-',
                (e.protection & Prot.WRITE) != 0 ? 'w' : '-',
                (e.protection & Prot.EXEC) != 0 ? 'x' : '-',
                e.isSharedMapping() ? 's' : 'p',
                e.object == null ? 0 : e.offset);
        String name = "";
        if (e.object instanceof FileObject f
            && (f.name().equals(Vdso.VVAR_NAME) || f.name().equals(Vdso.VDSO_NAME))) {
          name = f.name(); // the kernel's own objects (no file of that name can exist)
        } else if (e.end == ElfLoader.STACK_TOP) {
          name = "[stack]";
        } else if (e.object == null && brk > e.start && brk <= e.end) {
          name = "[heap]";
        } else if (e.object != null && e.start < brk && p.exePath != null) {
          name = p.exePath; // the program's own segments (below the break)
        }
        b.append(head);
        if (!name.isEmpty()) {
          b.append(" ".repeat(Math.max(1, 73 - head.length()))).append(name);
        }
        b.append('\n');
      }
    } finally {
      map.unlock();
    }
    b.append(VsyscallPage.MAPS_LINE).append('\n'); // the gate area, after every mapping
    return b.toString();
  }

  /**
   * /proc/PID/smaps: Size, Rss (pages the pmap maps), Anonymous (of them, anon pages), Locked (Rss
   * of a wired or lock-on-fault entry) and VmFlags (rd wr ex sh mr mw me ms, rr/sr for the advice,
   * dc DONTFORK, wf WIPEONFORK, lo locked, sl sealed) from the map and the pmap. Pss equals Rss and
   * the clean/dirty split is not tracked (resident anonymous pages count as private dirty, object
   * pages as private clean); no swap is reported per mapping.
   */
  @Override
  public String smaps(int pid) {
    Proc p = proc(pid);
    if (p == null) {
      return null;
    }
    Vmspace vm = p.vm;
    if (vm == null) {
      return "";
    }
    String[] lines = maps(pid).split("\n");
    List<long[]> resident = new ArrayList<>();
    vm.pmap()
        .forEach((va, pg, prot, wired) -> resident.add(new long[] {va, pg.anon != null ? 1 : 0}));
    resident.sort((x, y) -> Long.compare(x[0], y[0]));
    long[] vas = new long[resident.size()];
    for (int i = 0; i < vas.length; i++) {
      vas[i] = resident.get(i)[0];
    }
    StringBuilder b = new StringBuilder();
    VmMap map = vm.map();
    map.lock();
    try {
      int i = 0;
      for (VmMapEntry e : map.entries()) {
        if (i >= lines.length) {
          break;
        }
        int from = lowerBound(vas, e.start);
        int to = lowerBound(vas, e.end);
        long rss = (long) (to - from) * PAGE / 1024;
        long anon = 0;
        for (int k = from; k < to; k++) {
          anon += resident.get(k)[1];
        }
        anon = anon * PAGE / 1024;
        long locked = e.isLocked() ? rss : 0;
        b.append(lines[i++]).append('\n');
        field(b, "Size", (e.end - e.start) / 1024);
        field(b, "KernelPageSize", PAGE / 1024);
        field(b, "MMUPageSize", PAGE / 1024);
        field(b, "Rss", rss);
        field(b, "Pss", rss);
        field(b, "Pss_Dirty", anon);
        field(b, "Shared_Clean", 0);
        field(b, "Shared_Dirty", 0);
        field(b, "Private_Clean", rss - anon);
        field(b, "Private_Dirty", anon);
        field(b, "Referenced", rss);
        field(b, "Anonymous", anon);
        field(b, "KSM", 0);
        field(b, "LazyFree", 0);
        field(b, "AnonHugePages", 0);
        field(b, "ShmemPmdMapped", 0);
        field(b, "FilePmdMapped", 0);
        field(b, "Shared_Hugetlb", 0);
        field(b, "Private_Hugetlb", 0);
        field(b, "Swap", 0);
        field(b, "SwapPss", 0);
        field(b, "Locked", locked);
        b.append("THPeligible:    0\n");
        b.append("VmFlags:").append(vmFlags(e)).append('\n');
      }
    } finally {
      map.unlock();
    }
    return b.toString();
  }

  // fs/proc/base.c: proc_mem_open -> kernel/fork.c: mm_access
  @Override
  public Vmspace memSpace(int callerPid, int pid) throws org.uvm4j.uvm.UvmException {
    Proc target = proc(pid);
    Vmspace vm = target == null ? null : target.vm;
    if (vm == null || vm.isFreed()) {
      // no such process, or one without an address space (a zombie): get_task_mm is NULL
      throw new org.uvm4j.uvm.UvmException(org.uvm4j.uvm.Errno.ESRCH);
    }
    Proc caller = proc(callerPid);
    if ((caller == null || caller.vm != vm) && !PtraceAccess.mayAttach(caller, target)) {
      throw new org.uvm4j.uvm.UvmException(org.uvm4j.uvm.Errno.EACCES);
    }
    return vm;
  }

  @Override
  public boolean pagemap(int pid, long va, long[] out) {
    Proc p = proc(pid);
    if (p == null) {
      return false;
    }
    java.util.Arrays.fill(out, 0);
    Vmspace vm = p.vm;
    if (vm == null) {
      return true;
    }
    VmMap map = vm.map();
    map.lock();
    try {
      for (VmMapEntry e : map.entriesIn(va, va + out.length * PAGE)) {
        long from = Math.max(va, e.start);
        long to = Math.min(va + out.length * PAGE, e.end);
        org.uvm4j.uvm.amap.Amap amap = e.aref.amap;
        if (amap != null) {
          amap.lock();
        }
        try {
          for (long a = from; a < to; a += PAGE) {
            out[(int) ((a - va) / PAGE)] = pagemapEntry(vm, e, amap, a);
          }
        } finally {
          if (amap != null) {
            amap.unlock();
          }
        }
      }
    } finally {
      map.unlock();
    }
    return true;
  }

  /** fs/proc/task_mmu.c: pte_to_pagemap_entry for the page of {@code e} at {@code va}. */
  private static long pagemapEntry(
      Vmspace vm, VmMapEntry e, org.uvm4j.uvm.amap.Amap amap, long va) {
    org.uvm4j.uvm.page.VmPage pg = vm.pmap().extract(va);
    if (pg != null) {
      return ProcSource.PM_PRESENT
          | (pg.object != null || e.isSharedMapping() ? ProcSource.PM_FILE : 0);
    }
    if (amap != null) {
      org.uvm4j.uvm.amap.Anon an = amap.lookup(e.aref, e.offsetOf(va));
      if (an != null && an.page == null && an.swslot != 0) {
        return ProcSource.PM_SWAP;
      }
    }
    return 0;
  }

  private static int lowerBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static void field(StringBuilder b, String name, long kb) {
    b.append(name).append(':');
    b.append(" ".repeat(Math.max(1, 16 - name.length())));
    b.append(String.format("%8d kB\n", kb));
  }

  /** The VmFlags line's two-letter names (fs/proc/task_mmu.c: show_smap_vma_flags). */
  private static String vmFlags(VmMapEntry e) {
    StringBuilder f = new StringBuilder();
    flag(f, (e.protection & Prot.READ) != 0, "rd");
    flag(f, (e.protection & Prot.WRITE) != 0, "wr");
    flag(f, (e.protection & Prot.EXEC) != 0, "ex");
    flag(f, e.isSharedMapping(), "sh");
    flag(f, (e.maxProtection & Prot.READ) != 0, "mr");
    flag(f, (e.maxProtection & Prot.WRITE) != 0, "mw");
    flag(f, (e.maxProtection & Prot.EXEC) != 0, "me");
    flag(f, e.isSharedMapping(), "ms");
    flag(f, e.end == ElfLoader.STACK_TOP, "gd");
    flag(f, e.isLocked(), "lo");
    flag(f, e.advice == org.uvm4j.uvm.map.Advice.SEQUENTIAL, "sr");
    flag(f, e.advice == org.uvm4j.uvm.map.Advice.RANDOM, "rr");
    flag(f, e.inheritance == org.uvm4j.uvm.map.Inheritance.NONE, "dc");
    flag(f, !e.isSharedMapping() && (e.protection & Prot.WRITE) != 0, "ac");
    flag(f, e.inheritance == org.uvm4j.uvm.map.Inheritance.ZERO, "wf");
    flag(f, e.isSealed(), "sl");
    return f.toString();
  }

  private static void flag(StringBuilder f, boolean on, String name) {
    if (on) {
      f.append(' ').append(name);
    }
  }

  private static long lockedPages(Proc p) {
    if (p.vm == null) {
      return 0;
    }
    long pages = 0;
    VmMap map = p.vm.map();
    map.lock();
    try {
      for (VmMapEntry e : map.entries()) {
        if (e.isLocked()) {
          pages += e.pages();
        }
      }
    } finally {
      map.unlock();
    }
    return pages;
  }

  @Override
  public String exe(int pid) {
    Proc p = proc(pid);
    return p == null ? null : p.exePath;
  }

  @Override
  public byte[] cmdline(int pid) {
    Proc p = proc(pid);
    return p == null ? null : p.cmdline == null ? new byte[0] : p.cmdline.clone();
  }

  @Override
  public byte[] environ(int pid) {
    Proc p = proc(pid);
    return p == null ? null : p.environ == null ? new byte[0] : p.environ.clone();
  }

  private static char state(Proc p) {
    return switch (p.state) {
      case RUNNABLE -> 'R';
      case SLEEPING, VFORK_WAIT -> 'S';
      case TRACED -> 't';
      case ZOMBIE -> 'Z';
      default -> 'X';
    };
  }

  private static long vmPages(Proc p) {
    if (p.vm == null) {
      return 0;
    }
    long pages = 0;
    VmMap map = p.vm.map();
    map.lock();
    try {
      for (VmMapEntry e : map.entries()) {
        pages += e.pages();
      }
    } finally {
      map.unlock();
    }
    return pages;
  }

  @Override
  public String status(int pid) {
    Proc p = proc(pid);
    if (p == null) {
      return null;
    }
    long kb = vmPages(p) * PAGE / 1024;
    int umask = p.fs == null ? 022 : p.fs.umask();
    return "Name:\t"
        + p.comm
        + "\nUmask:\t"
        + String.format("%04o", umask)
        + "\nState:\t"
        + state(p)
        + (p.isZombie()
            ? " (zombie)"
            : p.state == ProcState.RUNNABLE
                ? " (running)"
                : p.state == ProcState.TRACED ? " (tracing stop)" : " (sleeping)")
        + "\nTgid:\t"
        + p.pid
        + "\nPid:\t"
        + p.pid
        + "\nPPid:\t"
        + p.ppid()
        + "\nTracerPid:\t"
        + (p.ptrace() != null && p.ptrace().tracer() != null ? p.ptrace().tracer().tid() : 0)
        + "\nUid:\t"
        + Kernel.UID
        + "\t"
        + Kernel.UID
        + "\t"
        + Kernel.UID
        + "\t"
        + Kernel.UID
        + "\nGid:\t"
        + Kernel.GID
        + "\t"
        + Kernel.GID
        + "\t"
        + Kernel.GID
        + "\t"
        + Kernel.GID
        + "\nFDSize:\t"
        + org.uvm4j.kernel.fs.FileTable.MAX_FDS
        + "\nVmSize:\t"
        + String.format("%8d kB", kb)
        + "\nVmLck:\t"
        + String.format("%8d kB", lockedPages(p) * PAGE / 1024)
        + "\nVmPTE:\t"
        + String.format("%8d kB", p.vm == null ? 0 : p.vm.pmap().tableBytes() / 1024)
        // uvm4j's own line: the Java heap this process's VM metadata holds (MetadataBudget)
        + "\nVmMeta:\t"
        + String.format("%8d kB", p.vm == null ? 0 : p.vm.metadataBytes() / 1024)
        + "\nThreads:\t"
        + Math.max(1, p.group.size())
        + cpusAllowed(p)
        + "\n";
  }

  /**
   * The task's affinity lines of /proc/PID/status (fs/proc/array.c: task_cpus_allowed): the mask in
   * hexadecimal ({@code %*pb} of nr_cpu_ids bits) and as a list.
   */
  private String cpusAllowed(Proc p) {
    CpuMask m = p.cpusAllowed != null ? p.cpusAllowed : cpus.online();
    return "\nCpus_allowed:\t" + m.toHex(cpus.count()) + "\nCpus_allowed_list:\t" + m.toList();
  }

  @Override
  public String stat(int pid) {
    Proc p = proc(pid);
    if (p == null) {
      return null;
    }
    long ticks = p.instructions / 10_000_000L; // 1 ns per instruction, 100 ticks per second
    long vsize = vmPages(p) * PAGE;
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice threads itrealvalue starttime vsize rss rsslim ...
    return p.pid
        + " ("
        + p.comm
        + ") "
        + state(p)
        + " "
        + p.ppid()
        + " 1 1 0 -1 0 0 0 0 0 "
        + ticks
        + " 0 0 0 20 0 1 0 0 "
        + vsize
        // rsslim, 12 fields, exit_signal (38), processor (39: task_cpu), 13 fields
        + " 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 "
        + p.cpu
        + " 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
  }

  @Override
  public String statm(int pid) {
    Proc p = proc(pid);
    return p == null ? null : vmPages(p) + " 0 0 0 0 0 0\n";
  }

  @Override
  public String comm(int pid) {
    Proc p = proc(pid);
    return p == null ? null : p.comm;
  }

  @Override
  public List<Integer> fds(int pid) {
    Proc p = proc(pid);
    List<Integer> l = new ArrayList<>();
    if (p != null && p.files != null) {
      for (int fd = 0; fd < org.uvm4j.kernel.fs.FileTable.MAX_FDS; fd++) {
        if (p.files.get(fd) != null) {
          l.add(fd);
        }
      }
    }
    return l;
  }

  @Override
  public String fdTarget(int pid, int fd) {
    Proc p = proc(pid);
    if (p == null || p.files == null) {
      return null;
    }
    OpenFile f = p.files.get(fd);
    if (f == null) {
      return null;
    }
    if (f.location() != null) {
      return f.location().path();
    }
    if (f instanceof Pipe.End e) {
      return "pipe:[" + e.stat().ino() + "]";
    }
    return "/dev/tty"; // the console
  }

  @Override
  public String cwd(int pid) {
    Proc p = proc(pid);
    return p == null || p.fs == null ? null : p.fs.cwd().path();
  }

  @Override
  public String meminfo() {
    long total = (long) uvm.physMem().frameCount() * PAGE / 1024;
    long free = (long) uvm.physMem().freeCount() * PAGE / 1024;
    return String.format(
        "MemTotal:       %8d kB%nMemFree:        %8d kB%nMemAvailable:   %8d kB%n"
            + "Buffers:               0 kB%nCached:                0 kB%n"
            + "SwapTotal:             0 kB%nSwapFree:              0 kB%n",
        total, free, free);
  }

  /**
   * One entry per virtual CPU (arch/x86/kernel/cpu/proc.c: show_cpuinfo, its fields in its order):
   * one package of {@code N} cores, core and APIC id the CPU's number.
   */
  @Override
  public String cpuinfo() {
    StringBuilder b = new StringBuilder();
    int n = cpus.count();
    for (int cpu = 0; cpu < n; cpu++) {
      b.append("processor\t: ")
          .append(cpu)
          .append("\nvendor_id\t: uvm4j\ncpu family\t: 6\nmodel\t\t: 0\n")
          .append("model name\t: uvm4j x86-64 (Unicorn)\ncpu MHz\t\t: 1000.000\n")
          .append("physical id\t: 0\nsiblings\t: ")
          .append(n)
          .append("\ncore id\t\t: ")
          .append(cpu)
          .append("\ncpu cores\t: ")
          .append(n)
          .append("\napicid\t\t: ")
          .append(cpu)
          .append("\ninitial apicid\t: ")
          .append(cpu)
          .append("\nflags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2 syscall lm\n\n");
    }
    return b.toString();
  }

  @Override
  public String uptime() {
    long ns = clock.now();
    return String.format("%d.%02d 0.00%n", ns / 1_000_000_000L, (ns / 10_000_000L) % 100);
  }

  /** NUL-terminated strings, as /proc/PID/cmdline and environ read. */
  static byte[] joined(List<byte[]> strings) {
    int n = 0;
    for (byte[] s : strings) {
      n += s.length + 1;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] s : strings) {
      System.arraycopy(s, 0, out, at, s.length);
      at += s.length + 1;
    }
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
