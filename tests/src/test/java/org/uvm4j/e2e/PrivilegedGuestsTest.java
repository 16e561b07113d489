package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guests run at CPL 3 as on Linux ({@code privileged}, also compared with its native run in {@link
 * GuestProgramsTest}): rdtsc reads the virtual clock, so two runs read the same values; and {@code
 * int $0x80} runs the i386 system call ABI ({@code int80}). This host's kernel runs without IA32
 * emulation (its {@code int $0x80} is a #GP), so {@code int80} cannot be compared natively here:
 * its expected output is what x86-64 Linux with {@code CONFIG_IA32_EMULATION} answers
 * (syscall_32.tbl numbers, errno values of asm-generic/errno-base.h and errno.h).
 */
class PrivilegedGuestsTest {
  @Test
  void rdtscReadsTheVirtualClockSoRunsAreDeterministic() throws Exception {
    Uvm4jRuns.Audited first = Uvm4jRuns.inProcess(Guests.binary("privileged"), List.of("tsc"));
    Uvm4jRuns.Audited second = Uvm4jRuns.inProcess(Guests.binary("privileged"), List.of("tsc"));

    assertThat(first.run().status()).as(first.run().toString()).isZero();
    assertThat(first.run().stdout()).contains("rdtsc readings: ");
    assertThat(second.run().stdout()).isEqualTo(first.run().stdout());
    assertThat(first.auditProblems()).isEmpty();
  }

  @Test
  void int80RunsTheI386SyscallAbi() throws Exception {
    Uvm4jRuns.Audited got = Uvm4jRuns.inProcess(Guests.binary("int80"), List.of());

    assertThat(got.run().stdout())
        .as(got.run().toString())
        .isEqualTo(
            """
            written by int 0x80 write(1, ...)
            write returned 34
            getpid matches getpid(): yes
            getppid matches getppid(): yes
            pipe returned 0
            read returned 4: ping
            dup gave a new descriptor: yes
            close(dup) returned 0
            close(dup) again returned -9 (-EBADF is -9)
            lseek(pipe, -1) returned -29
            uname returned 0, sysname Linux
            write from above 4 GiB returned -14 (-EFAULT is -14)
            i386 syscall 17 (break) returned -38 (-ENOSYS is -38)
            i386 syscall 1000 returned -38
            RAX 0x100000014 is getpid: yes
            rcx and r11 kept: yes
            exiting through int 0x80 exit_group(0)
            """);
    assertThat(got.run().status()).isZero();
    assertThat(got.run().stderr()).isEmpty();
    assertThat(got.auditProblems()).isEmpty();
  }
}
