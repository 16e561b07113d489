package org.uvm4j.kernel.syscall;

import static org.uvm4j.kernel.syscall.SyscallEntry.partial;
import static org.uvm4j.kernel.syscall.SyscallEntry.supported;
import static org.uvm4j.kernel.syscall.SyscallEntry.unsupported;

import java.util.List;
import org.uvm4j.kernel.KernelServices;
import org.uvm4j.kernel.SyscallLayer;

/**
 * The Linux x86-64 system call table, declared in one place (numbers from {@code
 * arch/x86/entry/syscalls/syscall_64.tbl}; gVisor's {@code linux64.go} is the model): each row says
 * whether uvm4j supports the call, fully or in part, with a note, and which handler runs it. The
 * support table in {@code docs/kernel.md} is generated from these rows ({@code
 * SyscallTableDocTest}).
 */
public final class Linux64 {
  private Linux64() {}

  /** The handler objects the rows point into. */
  record Handlers(
      FileSyscalls file,
      MemorySyscalls memory,
      ProcessSyscalls process,
      SignalSyscalls signal,
      TimeSyscalls time,
      InfoSyscalls info,
      PollSyscalls poll,
      FutexSyscalls futex,
      MemfdSyscalls memfd,
      SpliceSyscalls splice,
      PtraceSyscalls ptrace,
      ProcessVmSyscalls processVm,
      CpuSyscalls cpus,
      MempolicySyscalls mempolicy) {

    /** Handlers wired to the kernel parts each needs. */
    static Handlers of(KernelServices k) {
      FileSyscalls file =
          new FileSyscalls(k.scheduler(), k.signals(), k.vfs(), k.clock(), k.procs());
      return new Handlers(
          file,
          new MemorySyscalls(k.uvm(), k.pageDaemon()),
          new ProcessSyscalls(k.lifecycle(), k.procs(), k.exec(), k.scheduler(), k.cpu()),
          new SignalSyscalls(k.signals(), k.procs(), k.scheduler()),
          new TimeSyscalls(k.clock(), k.scheduler()),
          new InfoSyscalls(k.procs(), k.clock(), k.uvm(), k.config().randomSeed()),
          new PollSyscalls(k.scheduler(), k.clock()),
          new FutexSyscalls(k.futexes(), k.scheduler(), k.clock(), k.counters()),
          new MemfdSyscalls(file, k.uvm(), k.procs()),
          new SpliceSyscalls(k.scheduler(), k.signals()),
          new PtraceSyscalls(k.lifecycle().ptrace(), k.procs()),
          new ProcessVmSyscalls(k.procs()),
          new CpuSyscalls(k.procs(), k.scheduler()),
          new MempolicySyscalls(k.procs()));
    }

    /** Handlers wired to nothing: only for listing the rows (documentation), never to run. */
    static Handlers unwired() {
      FileSyscalls file = new FileSyscalls(null, null, null, null, null);
      return new Handlers(
          file,
          new MemorySyscalls(null, null),
          new ProcessSyscalls(null, null, null, null, null),
          new SignalSyscalls(null, null, null),
          new TimeSyscalls(null, null),
          new InfoSyscalls(null, null, null, 0),
          new PollSyscalls(null, null),
          new FutexSyscalls(null, null, null, null),
          new MemfdSyscalls(file, null, null),
          new SpliceSyscalls(null, null),
          new PtraceSyscalls(null, null),
          new ProcessVmSyscalls(null),
          new CpuSyscalls(null, null),
          new MempolicySyscalls(null));
    }
  }

  /** The syscall layer of a kernel: {@code new Kernel(cfg, Linux64::create)}. */
  public static SyscallLayer create(KernelServices k) {
    return new SyscallTable(rows(Handlers.of(k)), k.counters());
  }

  /** The declared rows, with unwired handlers (for the documentation and tests). */
  public static List<SyscallEntry> declaration() {
    return rows(Handlers.unwired());
  }

  static List<SyscallEntry> rows(Handlers h) {
    FileSyscalls file = h.file();
    MemorySyscalls mem = h.memory();
    ProcessSyscalls proc = h.process();
    SignalSyscalls sig = h.signal();
    TimeSyscalls time = h.time();
    InfoSyscalls info = h.info();
    PollSyscalls poll = h.poll();
    FutexSyscalls futex = h.futex();
    MemfdSyscalls memfd = h.memfd();
    SpliceSyscalls splice = h.splice();
    PtraceSyscalls ptrace = h.ptrace();
    ProcessVmSyscalls pvm = h.processVm();
    CpuSyscalls cpus = h.cpus();
    MempolicySyscalls numa = h.mempolicy();
    return List.of(
        supported(0, "read", "any descriptor; at most 1 MiB per call; blocks on pipes", file::read),
        supported(
            1,
            "write",
            "any writable descriptor; pipes block when full, EPIPE + SIGPIPE",
            file::write),
        supported(
            2,
            "open",
            "guest VFS (docs/fs.md): O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC; EROFS on read-only mounts; O_TMPFILE (an unnamed file living while open; no linkat of it)",
            file::open),
        supported(3, "close", "", file::close),
        supported(4, "stat", "x86-64 struct stat from the host's attributes", file::stat),
        supported(5, "fstat", "console: character device; pipes: FIFOs", file::fstat),
        supported(6, "lstat", "", file::lstat),
        supported(
            7,
            "poll",
            "pipes, the console (host input read ahead by a thread), files; virtual-time timeout; EINTR after a handler",
            poll::poll),
        supported(8, "lseek", "host files; ESPIPE on pipes and the console", file::lseek),
        partial(
            9,
            "mmap",
            "anonymous private/shared, MAP_FIXED(_NOREPLACE), private mappings of host files; ENODEV for pipes/console; MAP_LOCKED and MCL_FUTURE wire the range; ENOMEM beyond vm.max_map_count (65,530 entries)",
            mem::mmap),
        supported(10, "mprotect", "", mem::mprotect),
        supported(11, "munmap", "", mem::munmap),
        supported(12, "brk", "returns the new or unchanged break", mem::brk),
        supported(
            13,
            "rt_sigaction",
            "sigsetsize must be 8; SA_RESTORER required for a handler",
            sig::sigaction),
        supported(14, "rt_sigprocmask", "sigsetsize must be 8", sig::sigprocmask),
        supported(
            15,
            "rt_sigreturn",
            "restores mask, alternate stack, registers and the FPU/SSE state (fxsave image) from the"
                + " frame; a bad fpstate gives SIGSEGV",
            sig::sigreturn),
        partial(
            16,
            "ioctl",
            "FIONREAD (pipes), FIONBIO, FIOCLEX, FIONCLEX; TCGETS/TCSETS*/TIOCGWINSZ on a console that is a host terminal; everything else ENOTTY",
            file::ioctl),
        supported(
            17,
            "pread64",
            "host files; ESPIPE on pipes/console, EINVAL for a negative offset",
            file::pread64),
        supported(
            18,
            "pwrite64",
            "regular files and memfds; ESPIPE on pipes/console; O_APPEND appends",
            file::pwrite64),
        supported(
            19, "readv", "up to 1024 iovecs (EINVAL beyond or for a negative total)", file::readv),
        supported(20, "writev", "up to 1024 iovecs", file::writev),
        supported(
            21,
            "access",
            "host files checked by the host; W_OK → EROFS on read-only mounts",
            file::access),
        supported(22, "pipe", "64 KiB buffer, PIPE_BUF 4096 atomic", file::pipe),
        supported(
            23,
            "select",
            "as poll; writes the time left back; EBADF for a closed fd",
            poll::select),
        supported(24, "sched_yield", "ends the time slice", proc::schedYield),
        partial(
            25,
            "mremap",
            "a map operation: shrink in place; grow in place (the tail keeps the mapping's attributes); MREMAP_MAYMOVE/MREMAP_FIXED move the map entries and translations (shared and wired mappings too, inheritance kept, nothing copied); MREMAP_DONTUNMAP leaves the old range mapped afresh (shared: the same memory)",
            mem::mremap),
        supported(
            26,
            "msync",
            "checks the range (ENOMEM for a hole) and the flags; nothing to write back",
            mem::msync),
        supported(
            27,
            "mincore",
            "residency from the pmap, the amap's anons and the object's resident pages; nothing faulted in",
            mem::mincore),
        partial(
            28,
            "madvise",
            "every Linux 6.x value: NORMAL, RANDOM, SEQUENTIAL, WILLNEED, DONTNEED(_LOCKED), FREE, DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK, POPULATE_READ/WRITE; PAGEOUT (private pages only this mapping holds, to swap now; EINVAL on a locked range); COLD, DONTDUMP, DODUMP only check the range; REMOVE, KSM and THP advice EINVAL; HWPOISON, SOFT_OFFLINE EPERM; discarding sealed read-only anonymous memory EPERM",
            mem::madvise),
        supported(32, "dup", "", file::dup),
        supported(33, "dup2", "same descriptor: no-op", file::dup2),
        supported(34, "pause", "sleeps until a handler runs, then EINTR", sig::pause),
        supported(
            35,
            "nanosleep",
            "virtual time; EINTR + time left after a handler (never restarted)",
            time::nanosleep),
        partial(36, "getitimer", "ITIMER_REAL only", time::getitimer),
        supported(
            37, "alarm", "virtual time; SIGALRM within one quantum of the deadline", time::alarm),
        partial(
            38,
            "setitimer",
            "ITIMER_REAL only (ITIMER_VIRTUAL/ITIMER_PROF → EINVAL); periodic timers skip missed periods",
            time::setitimer),
        supported(39, "getpid", "", proc::getpid),
        partial(
            56,
            "clone",
            "threads: CLONE_THREAD with CLONE_SIGHAND|CLONE_VM|CLONE_FILES (+FS, SYSVSEM, SETTLS, *_SETTID, CHILD_CLEARTID); processes: CLONE_VM, CLONE_VFORK, CLONE_PARENT, CLONE_SETTLS, *_SETTID, CHILD_CLEARTID, any exit signal (__WCLONE); a process sharing FILES/SIGHAND/FS, CLONE_PIDFD → ENOSYS; namespaces → EPERM",
            proc::clone),
        partial(
            53,
            "socketpair",
            "AF_UNIX SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET (message boundaries kept), SOCK_NONBLOCK, SOCK_CLOEXEC; read/write/poll/close only (no sendmsg, no descriptor passing); other families EAFNOSUPPORT",
            file::socketpair),
        supported(57, "fork", "copy-on-write address space copy", proc::fork),
        supported(
            58, "vfork", "the child borrows the address space until execve or exit", proc::vfork),
        supported(
            59,
            "execve",
            "static or dynamically linked (PT_INTERP) ELF; argv+envp up to 2 MiB; a failed exec leaves the caller intact",
            proc::execve),
        supported(60, "exit", "the calling thread; the last one ends the process", proc::exit),
        supported(61, "wait4", "pid > 0, -1, 0, < -1; WNOHANG; rusage user time", proc::wait4),
        supported(62, "kill", "pid > 0, 0, -1, -1 (group 1); signal 0 checks existence", sig::kill),
        supported(63, "uname", "Linux / uvm4j / 6.1.0-uvm4j / x86_64", info::uname),
        partial(
            72,
            "fcntl",
            "F_DUPFD(_CLOEXEC), F_GETFD, F_SETFD, F_GETFL, F_SETFL, record locks F_GETLK/F_SETLK/F_SETLKW and F_OFD_* among guests (EDEADLK for wait cycles), F_ADD_SEALS/F_GET_SEALS (memfd); others EINVAL",
            memfd::fcntl),
        supported(74, "fsync", "regular files and directories; EINVAL on pipes", file::fsync),
        supported(75, "fdatasync", "as fsync", file::fdatasync),
        supported(76, "truncate", "grows with zeros; EROFS, EISDIR", file::truncate),
        supported(
            77,
            "ftruncate",
            "regular files and memfds (with their seals) open for writing, else EINVAL",
            file::ftruncate),
        supported(79, "getcwd", "the guest path of the working directory; ERANGE", file::getcwd),
        supported(80, "chdir", "ENOTDIR, EACCES", file::chdir),
        supported(81, "fchdir", "a directory descriptor", file::fchdir),
        supported(82, "rename", "replaces the target; EXDEV across mounts", file::rename),
        supported(83, "mkdir", "mode & ~umask", file::mkdir),
        supported(84, "rmdir", "ENOTEMPTY, EBUSY for mount points", file::rmdir),
        supported(85, "creat", "open(O_CREAT|O_WRONLY|O_TRUNC)", file::creat),
        supported(86, "link", "same mount only (EXDEV)", file::link),
        supported(87, "unlink", "EISDIR for directories", file::unlink),
        supported(88, "symlink", "", file::symlink),
        supported(89, "readlink", "truncates to the buffer, no NUL", file::readlink),
        partial(90, "chmod", "host files: rwx bits only (setuid/setgid/sticky kept)", file::chmod),
        partial(91, "fchmod", "as chmod; pipes: no-op", file::fchmod),
        supported(96, "gettimeofday", "virtual wall clock", time::gettimeofday),
        supported(
            97,
            "getrlimit",
            "per process; defaults STACK 8 MiB, NOFILE 1024, NPROC 32768, MEMLOCK 8 MiB",
            info::getrlimit),
        partial(
            98,
            "getrusage",
            "RUSAGE_SELF/THREAD/CHILDREN user time (1 ns per instruction); other fields zero",
            proc::getrusage),
        supported(95, "umask", "", file::umask),
        supported(
            99,
            "sysinfo",
            "emulated RAM and swap, virtual uptime, process count; load averages zero",
            info::sysinfo),
        supported(
            100,
            "times",
            "virtual user time of the process and its waited-for children; system time zero",
            info::times),
        partial(
            101,
            "ptrace",
            "TRACEME, ATTACH, SEIZE, INTERRUPT, CONT, SYSCALL, SINGLESTEP, DETACH, KILL, GETREGS/SETREGS, PEEK/POKE TEXT/DATA/USER, GETSIGINFO, GETEVENTMSG, GET/SETSIGMASK, GET_SYSCALL_INFO, SETOPTIONS (TRACESYSGOOD, TRACEFORK, TRACECLONE, TRACEEXEC, EXITKILL, TRACESECCOMP; TRACEVFORK, TRACEVFORKDONE, TRACEEXIT EINVAL); syscall, signal-delivery, fork/clone/exec event and trap stops; orig_rax -1 skips the call; no FPU or debug registers, LISTEN, SETSIGINFO (EIO), PEEK/POKE forced (FOLL_FORCE); int $0x80 calls make no stops",
            ptrace::ptrace),
        supported(102, "getuid", "1000", info::getuid),
        supported(104, "getgid", "1000", info::getgid),
        supported(107, "geteuid", "1000", info::getuid),
        supported(108, "getegid", "1000", info::getgid),
        unsupported(109, "setpgid", "one process group (1), no job control"),
        supported(110, "getppid", "0 for pid 1 and for orphans of a dead pid 1", proc::getppid),
        partial(111, "getpgrp", "always 1 (one process group)", proc::getpgrp),
        unsupported(112, "setsid", "one session, no job control"),
        partial(121, "getpgid", "always 1; ESRCH for an unknown pid", proc::groupOf),
        partial(124, "getsid", "always 1; ESRCH for an unknown pid", proc::groupOf),
        supported(127, "rt_sigpending", "", sig::sigpending),
        unsupported(128, "rt_sigtimedwait", "signals are only delivered to handlers"),
        supported(130, "rt_sigsuspend", "the handler's frame saves the old mask", sig::sigsuspend),
        supported(
            131,
            "sigaltstack",
            "SA_ONSTACK handlers run on it; SS_AUTODISARM; EPERM while on it; restored by rt_sigreturn",
            sig::sigaltstack),
        supported(149, "mlock", "", mem::mlock),
        supported(150, "munlock", "", mem::munlock),
        partial(
            151,
            "mlockall",
            "MCL_CURRENT, MCL_FUTURE; with MCL_ONFAULT the ranges are marked locked on fault (not wired); MCL_ONFAULT alone EINVAL",
            mem::mlockall),
        supported(152, "munlockall", "", mem::munlockall),
        supported(
            160,
            "setrlimit",
            "CPU, AS, NOFILE, NPROC enforced; hard limits only lowered (EPERM)",
            info::setrlimit),
        partial(
            157,
            "prctl",
            "SET/GET_NAME, SET/GET_PDEATHSIG, SET/GET_DUMPABLE, SET/GET_NO_NEW_PRIVS, GET/SET_KEEPCAPS, CAPBSET_READ, GET_TIMERSLACK, GET_SECCOMP; others EINVAL",
            info::prctl),
        partial(
            158,
            "arch_prctl",
            "ARCH_SET_FS/GS (canonical user address, else EPERM), ARCH_GET_FS/GS; others EINVAL",
            proc::archPrctl),
        supported(186, "gettid", "the thread id (the pid for the first thread)", proc::gettid),
        supported(200, "tkill", "thread-directed: only that thread takes it", sig::tkill),
        supported(201, "time", "virtual wall clock", time::time),
        partial(
            202,
            "futex",
            "WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET, WAKE_BITSET, PRIVATE_FLAG, CLOCK_REALTIME; virtual-clock timeouts; shared keys by amap slot or object page; PI operations → ENOSYS",
            futex::futex),
        supported(
            203,
            "sched_setaffinity",
            "the task's own mask (inherited by clone/fork) over the machine's --cpus CPUs; EINVAL when no online CPU is in it; a task whose CPU leaves the mask moves to the lowest allowed one before the call returns; a short mask is read for its length, a long one cut; EFAULT, ESRCH",
            cpus::schedSetaffinity),
        supported(
            204,
            "sched_getaffinity",
            "the task's mask, cpumask_size() bytes (8 per 64 CPUs); EINVAL for a length below nr_cpu_ids bits or not a multiple of 8; EFAULT, ESRCH",
            cpus::schedGetaffinity),
        supported(
            217,
            "getdents64",
            "., .., the entries and the mount points inside; d_off is the entry index",
            file::getdents64),
        supported(
            221,
            "fadvise64",
            "EBADF, ESPIPE on pipes, EINVAL for a bad advice or negative length; else advice only",
            info::fadvise64),
        unsupported(222, "timer_create", "no POSIX timers"),
        partial(
            218,
            "set_tid_address",
            "returns the tid; at exit the word is cleared and its futex woken while the space has other users",
            proc::setTidAddress),
        supported(
            228,
            "clock_gettime",
            "REALTIME, MONOTONIC, BOOTTIME, TAI (and variants), PROCESS/THREAD_CPUTIME_ID (instructions)",
            time::clockGettime),
        supported(229, "clock_getres", "1 ns, 4 ms for the coarse clocks", time::clockGetres),
        supported(
            230,
            "clock_nanosleep",
            "REALTIME, MONOTONIC, BOOTTIME, TAI; TIMER_ABSTIME; CPU-time clocks EINVAL",
            time::clockNanosleep),
        supported(231, "exit_group", "every thread of the process", proc::exitGroup),
        unsupported(
            232, "epoll_wait", "no epoll (poll, ppoll, select and pselect6 are implemented)"),
        supported(
            234,
            "tgkill",
            "thread-directed; ESRCH when the thread is not in process tgid",
            sig::tgkill),
        partial(
            247, "waitid", "P_ALL, P_PID, P_PGID with WEXITED [WNOHANG, WNOWAIT]", proc::waitid),
        supported(
            237,
            "mbind",
            "one node (node 0): every mode and mode flag, node masks as Linux copies them, the policy kept on the map entries (split, joined, forked, moved by mremap with them); EFAULT for holes (not for MPOL_DEFAULT), EIO for MPOL_MF_STRICT on resident pages a mask without node 0 excludes, EPERM for MPOL_MF_MOVE_ALL; pages never need to move",
            numa::mbind),
        supported(
            238,
            "set_mempolicy",
            "the task's policy (inherited by threads and children, kept by exec); one node",
            numa::setMempolicy),
        supported(
            239,
            "get_mempolicy",
            "the task's or (MPOL_F_ADDR) a mapping's policy and nodes, MPOL_F_NODE (faults the page in), MPOL_F_MEMS_ALLOWED ({0})",
            numa::getMempolicy),
        supported(
            256,
            "migrate_pages",
            "checks as Linux (ESRCH, EPERM: nodes other than 0); every page is on node 0: 0 pages left behind",
            numa::migratePages),
        supported(
            279,
            "move_pages",
            "status per page: 0 (resident, node 0), -ENOENT (not resident), -EFAULT (not mapped); ENODEV for nodes other than 0; EPERM for MPOL_MF_MOVE_ALL",
            numa::movePages),
        supported(
            257, "openat", "as open; AT_FDCWD (32-bit) or a directory descriptor", file::openat),
        supported(258, "mkdirat", "", file::mkdirat),
        supported(
            262,
            "newfstatat",
            "AT_FDCWD, directory descriptors, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW",
            file::newfstatat),
        supported(263, "unlinkat", "AT_REMOVEDIR", file::unlinkat),
        supported(264, "renameat", "", file::renameat),
        supported(265, "linkat", "AT_SYMLINK_FOLLOW; AT_EMPTY_PATH → ENOENT", file::linkat),
        supported(266, "symlinkat", "", file::symlinkat),
        supported(267, "readlinkat", "empty path reads the descriptor's link", file::readlinkat),
        partial(268, "fchmodat", "as chmod", file::fchmodat),
        supported(269, "faccessat", "as access", file::faccessat),
        supported(
            270,
            "pselect6",
            "as select, with the caller's signal mask for the call (sigsetsize 8)",
            poll::pselect6),
        supported(
            271,
            "ppoll",
            "as poll, timespec timeout written back, the caller's signal mask for the call",
            poll::ppoll),
        supported(
            273,
            "set_robust_list",
            "records the head (len must be 24); walked at thread exit and exec: EOWNERDEAD for robust mutexes",
            info::setRobustList),
        supported(274, "get_robust_list", "pid 0 or any live process", info::getRobustList),
        unsupported(
            291, "epoll_create1", "no epoll (poll, ppoll, select and pselect6 are implemented)"),
        partial(
            278,
            "vmsplice",
            "pipes; user memory is copied into the pipe at the call (Linux references the pages); SPLICE_F_NONBLOCK",
            splice::vmsplice),
        supported(
            280,
            "utimensat",
            "UTIME_NOW/UTIME_OMIT, NULL path (futimens); st_atime reads as st_mtime",
            file::utimensat),
        partial(285, "fallocate", "mode 0 only (others EOPNOTSUPP)", file::fallocate),
        supported(292, "dup3", "same descriptor or flags other than O_CLOEXEC: EINVAL", file::dup3),
        supported(293, "pipe2", "O_CLOEXEC, O_NONBLOCK, O_DIRECT", file::pipe2),
        supported(
            302,
            "prlimit64",
            "as getrlimit/setrlimit, for this or another process (ESRCH)",
            info::prlimit64),
        supported(
            309,
            "getcpu",
            "the virtual CPU the task is on (always in its affinity mask), node 0 (also the vDSO's __vdso_getcpu and the vsyscall page's)",
            cpus::getcpu),
        supported(
            310,
            "process_vm_readv",
            "between any two guest processes; remote pages faulted in as pin_user_pages_remote; partial counts, EFAULT when nothing moved, ESRCH",
            pvm::processVmReadv),
        supported(
            311,
            "process_vm_writev",
            "as process_vm_readv; the target's copy-on-write pages are copied first",
            pvm::processVmWritev),
        partial(316, "renameat2", "RENAME_NOREPLACE; EXCHANGE/WHITEOUT → EINVAL", file::renameat2),
        supported(
            318,
            "getrandom",
            "deterministic (seeded) bytes; at most 32 MiB − 1 per call",
            info::getrandom),
        supported(
            319,
            "memfd_create",
            "a file of UVM anonymous memory (uvm_aobj); MFD_CLOEXEC, MFD_ALLOW_SEALING,"
                + " MFD_NOEXEC_SEAL; MFD_HUGETLB → EINVAL",
            memfd::memfdCreate),
        supported(
            325,
            "mlock2",
            "flags 0 as mlock; MLOCK_ONFAULT marks the range locked on fault (counted as locked, nothing faulted in or wired)",
            mem::mlock2),
        unsupported(
            334,
            "rseq",
            "ENOSYS as from a Linux built without CONFIG_RSEQ: glibc and musl carry on without it"),
        unsupported(425, "io_uring_setup", "no io_uring"),
        supported(
            439,
            "faccessat2",
            "as faccessat, with AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_EMPTY_PATH",
            file::faccessat2),
        supported(
            450,
            "set_mempolicy_home_node",
            "node 0 on the MPOL_BIND and MPOL_PREFERRED_MANY mappings of the range; EOPNOTSUPP for other policies, ENOENT when none has one",
            numa::setMempolicyHomeNode),
        supported(
            462,
            "mseal",
            "seals the range's entries: munmap, mremap, mprotect, mmap over them and discarding madvise on read-only anonymous memory then fail with EPERM",
            mem::mseal));
  }
}
