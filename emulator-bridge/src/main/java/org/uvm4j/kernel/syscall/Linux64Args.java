package org.uvm4j.kernel.syscall;

import static org.uvm4j.kernel.syscall.Linux64Args.Arg.*;

import java.util.List;

/**
 * The argument signatures of the Linux x86-64 system calls, declared once beside {@link Linux64}
 * (which keeps the names and handlers): what each argument register holds, which ones the kernel
 * fills in (decoded when the call returns, as strace does) and how the result reads. {@code
 * --strace} formats every call from these rows; a call without a row is shown with its raw
 * arguments in hex.
 *
 * <p>Invariant: at most one row per number, every number is a {@link Linux64} row (checked by
 * {@code Linux64ArgsTest}).
 */
public final class Linux64Args {
  private Linux64Args() {}

  /** What an argument register holds; {@link #out()} ones are written by the kernel. */
  public enum Arg {
    /** A signed 32-bit integer. */
    INT,
    /** A signed 64-bit integer. */
    LONG,
    /** An unsigned length or count. */
    ULONG,
    /** An integer shown in hex. */
    HEX,
    /** An address (NULL or hex). */
    PTR,
    /** A file descriptor. */
    FD,
    /** A directory descriptor (AT_FDCWD). */
    DIRFD,
    /** A NUL-terminated path. */
    PATH,
    /** A buffer the call reads, of the length in the next argument. */
    BUF_IN,
    /** A buffer the call fills, of the length it returns. */
    BUF_OUT(true),
    /** An iovec array the call reads, with the count in the next argument. */
    IOV_IN,
    /** An iovec array the call fills with as many bytes as it returns. */
    IOV_OUT(true),
    /** open flags (O_RDONLY|O_CLOEXEC…). */
    OPEN_FLAGS,
    /** A file mode, shown only when the previous argument (open flags) has O_CREAT/O_TMPFILE. */
    OPEN_MODE,
    /** A file mode in octal. */
    MODE,
    /** access() mode (F_OK, R_OK|W_OK…). */
    ACCESS_MODE,
    /** *at() flags (AT_SYMLINK_NOFOLLOW…). */
    AT_FLAGS,
    /** lseek whence. */
    WHENCE,
    /** mmap/mprotect protection. */
    PROT,
    /** mmap flags. */
    MAP_FLAGS,
    /** mremap flags. */
    MREMAP_FLAGS,
    /** madvise advice. */
    MADV,
    /** mlockall flags. */
    MLOCKALL_FLAGS,
    /** arch_prctl code. */
    ARCH_PRCTL,
    /** rt_sigprocmask how. */
    SIGHOW,
    /** A signal set the call reads. */
    SIGSET,
    /** A signal set the call fills. */
    SIGSET_OUT(true),
    /** A signal number. */
    SIGNUM,
    /** A struct sigaction the call reads. */
    SIGACTION,
    /** A struct sigaction the call fills. */
    SIGACTION_OUT(true),
    /** wait status the call fills. */
    WSTATUS_OUT(true),
    /** wait4/waitid options. */
    WAIT_OPTIONS,
    /** A struct rusage the call fills (shown as an address). */
    RUSAGE_OUT(true),
    /** The two descriptors of pipe/pipe2. */
    PIPEFD_OUT(true),
    /** pipe2/dup3 flags (O_CLOEXEC…). */
    PIPE_FLAGS,
    /** ioctl request. */
    IOCTL_REQ,
    /** fcntl command. */
    FCNTL_CMD,
    /** A clock id. */
    CLOCKID,
    /** A struct timespec the call reads. */
    TIMESPEC,
    /** A struct timespec the call fills. */
    TIMESPEC_OUT(true),
    /** execve's argv. */
    ARGV,
    /** execve's envp (shown as strace does by default: address and count). */
    ENVP,
    /** A struct stat the call fills. */
    STAT_OUT(true),
    /** A struct utsname the call fills. */
    UTSNAME_OUT(true),
    /** clone flags (CLONE_VM|…|SIGCHLD). */
    CLONE_FLAGS,
    /** getrandom flags. */
    GRND_FLAGS,
    /** An address the call fills (shown as an address). */
    PTR_OUT(true);

    private final boolean out;

    Arg() {
      this(false);
    }

    Arg(boolean out) {
      this.out = out;
    }

    /** True when the kernel writes this argument: strace shows it when the call returns. */
    public boolean out() {
      return out;
    }
  }

  /** How a result reads: a decimal number, an address, or nothing (the call does not return). */
  public enum Ret {
    DEC,
    HEX,
    NONE
  }

  /** Call {@code nr}: its arguments in register order and how its result reads. */
  public record Signature(int nr, Ret ret, List<Arg> args) {
    public Signature {
      args = List.copyOf(args);
      if (args.size() > 6) {
        throw new IllegalArgumentException("syscall " + nr + ": more than 6 arguments");
      }
    }
  }

  private static Signature sig(int nr, Arg... args) {
    return new Signature(nr, Ret.DEC, List.of(args));
  }

  private static Signature hex(int nr, Arg... args) {
    return new Signature(nr, Ret.HEX, List.of(args));
  }

  private static Signature noreturn(int nr, Arg... args) {
    return new Signature(nr, Ret.NONE, List.of(args));
  }

  /** Every declared signature. */
  public static List<Signature> declaration() {
    return List.of(
        sig(0, FD, BUF_OUT, ULONG), // read
        sig(1, FD, BUF_IN, ULONG), // write
        sig(2, PATH, OPEN_FLAGS, OPEN_MODE), // open
        sig(3, FD), // close
        sig(4, PATH, STAT_OUT), // stat
        sig(5, FD, STAT_OUT), // fstat
        sig(6, PATH, STAT_OUT), // lstat
        sig(8, FD, LONG, WHENCE), // lseek
        hex(9, PTR, ULONG, PROT, MAP_FLAGS, FD, HEX), // mmap
        sig(10, PTR, ULONG, PROT), // mprotect
        sig(11, PTR, ULONG), // munmap
        hex(12, PTR), // brk
        sig(13, SIGNUM, SIGACTION, SIGACTION_OUT, ULONG), // rt_sigaction
        sig(14, SIGHOW, SIGSET, SIGSET_OUT, ULONG), // rt_sigprocmask
        sig(15), // rt_sigreturn
        sig(16, FD, IOCTL_REQ, PTR), // ioctl
        sig(17, FD, BUF_OUT, ULONG, LONG), // pread64
        sig(18, FD, BUF_IN, ULONG, LONG), // pwrite64
        sig(19, FD, IOV_OUT, INT), // readv
        sig(20, FD, IOV_IN, INT), // writev
        sig(21, PATH, ACCESS_MODE), // access
        sig(22, PIPEFD_OUT), // pipe
        sig(24), // sched_yield
        hex(25, PTR, ULONG, ULONG, MREMAP_FLAGS, PTR), // mremap
        sig(28, PTR, ULONG, MADV), // madvise
        sig(32, FD), // dup
        sig(33, FD, FD), // dup2
        sig(34), // pause
        sig(35, TIMESPEC, TIMESPEC_OUT), // nanosleep
        sig(37, ULONG), // alarm
        sig(39), // getpid
        sig(56, CLONE_FLAGS, PTR, PTR, PTR, HEX), // clone
        sig(57), // fork
        sig(58), // vfork
        sig(59, PATH, ARGV, ENVP), // execve
        noreturn(60, INT), // exit
        sig(61, INT, WSTATUS_OUT, WAIT_OPTIONS, RUSAGE_OUT), // wait4
        sig(62, INT, SIGNUM), // kill
        sig(63, UTSNAME_OUT), // uname
        sig(72, FD, FCNTL_CMD, HEX), // fcntl
        sig(79, BUF_OUT, ULONG), // getcwd
        sig(80, PATH), // chdir
        sig(96, PTR_OUT, PTR_OUT), // gettimeofday
        sig(101, LONG, INT, HEX, HEX), // ptrace
        sig(102), // getuid
        sig(104), // getgid
        sig(107), // geteuid
        sig(108), // getegid
        sig(110), // getppid
        sig(111), // getpgrp
        sig(127, SIGSET_OUT, ULONG), // rt_sigpending
        sig(130, SIGSET, ULONG), // rt_sigsuspend
        sig(149, PTR, ULONG), // mlock
        sig(150, PTR, ULONG), // munlock
        sig(151, MLOCKALL_FLAGS), // mlockall
        sig(152), // munlockall
        sig(158, ARCH_PRCTL, PTR), // arch_prctl
        sig(186), // gettid
        sig(200, INT, SIGNUM), // tkill
        sig(201, PTR_OUT), // time
        sig(203, INT, ULONG, PTR), // sched_setaffinity
        sig(204, INT, ULONG, PTR), // sched_getaffinity
        sig(218, PTR), // set_tid_address
        sig(228, CLOCKID, TIMESPEC_OUT), // clock_gettime
        sig(229, CLOCKID, TIMESPEC_OUT), // clock_getres
        noreturn(231, INT), // exit_group
        sig(234, INT, INT, SIGNUM), // tgkill
        sig(237, PTR, ULONG, HEX, PTR, ULONG, HEX), // mbind
        sig(238, HEX, PTR, ULONG), // set_mempolicy
        sig(239, PTR_OUT, PTR_OUT, ULONG, PTR, HEX), // get_mempolicy
        sig(256, INT, ULONG, PTR, PTR), // migrate_pages
        sig(257, DIRFD, PATH, OPEN_FLAGS, OPEN_MODE), // openat
        sig(262, DIRFD, PATH, STAT_OUT, AT_FLAGS), // newfstatat
        sig(269, DIRFD, PATH, ACCESS_MODE), // faccessat
        sig(278, FD, IOV_IN, INT, INT), // vmsplice
        sig(279, INT, ULONG, PTR, PTR, PTR_OUT, HEX), // move_pages
        sig(292, FD, FD, PIPE_FLAGS), // dup3
        sig(293, PIPEFD_OUT, PIPE_FLAGS), // pipe2
        sig(309, PTR, PTR, PTR), // getcpu
        sig(310, INT, PTR, ULONG, PTR, ULONG, HEX), // process_vm_readv
        sig(311, INT, PTR, ULONG, PTR, ULONG, HEX), // process_vm_writev
        sig(318, BUF_OUT, ULONG, GRND_FLAGS), // getrandom
        sig(439, DIRFD, PATH, ACCESS_MODE, AT_FLAGS), // faccessat2
        sig(450, PTR, ULONG, ULONG, HEX)); // set_mempolicy_home_node
  }
}
