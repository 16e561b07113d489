package org.uvm4j.machine.uc;

/**
 * The block hook through which another thread preempts a running engine: a few bytes of native code
 * that libunicorn calls at the start of every translated block, and that ends the run there when a
 * request is pending. Both bindings install the same code and request layout.
 *
 * <p><b>Why not {@code uc_emu_stop} from the other thread.</b> libunicorn 2.1 checks for an exit
 * request not only at the start of each translated block but also after every guest load and store
 * ({@code check_exit_request} in {@code tcg_gen_qemu_ld/st}), and an exit there restores the CPU
 * state to the start of the current instruction ({@code cpu_loop_exit_restore}). A stop requested
 * asynchronously can thus end the run between the store and the end of a read-modify-write
 * instruction ({@code add [m], r}, {@code xchg}, {@code xadd}, {@code cmpxchg}, {@code inc
 * [m]}...): the memory is written, RIP still points at the instruction, and the resumed run
 * executes it a second time (a counter incremented twice, a lock taken by {@code cmpxchg} that then
 * "fails" and deadlocks its owner). A stop requested from inside a hook on the engine's own thread
 * happens where that hook runs; this hook runs before the first instruction of a block, so the
 * request takes effect at the block-start check that follows it, with nothing of the block executed
 * and RIP at the block's first instruction.
 *
 * <p><b>The code</b> (x86-64 System V; {@code void hook(uc_engine *uc, uint64_t pc, uint32_t size,
 * Request *r)}, with {@code r} the hook's user data):
 *
 * <pre>
 *   mov  eax, [rcx]        ; r-&gt;pending
 *   test eax, eax
 *   jne  stop
 *   ret                    ; nothing pending: back into the block
 * stop:
 *   mov  dword [rcx], 0    ; consume the request
 *   jmp  [rcx + 8]         ; tail call r-&gt;stop(uc): rdi still holds uc
 * </pre>
 *
 * With it as the engine's only block hook, libunicorn calls it directly from the translated code
 * (an inline hook), so a block costs one call and three instructions when nothing is pending.
 *
 * <p><b>The request</b> ({@link #REQUEST_SIZE} bytes of native memory, the hook's user data):
 * {@code int32 pending} at {@link #PENDING_OFFSET} (any thread sets it to 1; the hook or the
 * engine's thread clears it) and the address of libunicorn's {@code uc_emu_stop} at {@link
 * #STOP_FUNCTION_OFFSET}.
 *
 * <p>Invariant: a request is never lost (nothing but the hook and the engine's thread clears it,
 * and {@code uc_emu_start} does not touch it) and never ends a run inside an instruction.
 */
public final class PreemptHook {
  private PreemptHook() {}

  /** The hook's machine code, position-independent (see the class comment). */
  private static final byte[] CODE = {
    (byte) 0x8b,
    0x01, // mov eax, [rcx]
    (byte) 0x85,
    (byte) 0xc0, // test eax, eax
    0x75,
    0x01, // jne +1
    (byte) 0xc3, // ret
    (byte) 0xc7,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00, // mov dword [rcx], 0
    (byte) 0xff,
    0x61,
    0x08 // jmp [rcx + 8]
  };

  /** Offset of the {@code int32} pending flag in the request. */
  public static final int PENDING_OFFSET = 0;

  /** Offset of the stop function's address ({@code uc_emu_stop}) in the request. */
  public static final int STOP_FUNCTION_OFFSET = 8;

  /** Size of the request block. */
  public static final int REQUEST_SIZE = 16;

  /** The hook's machine code (a copy), to be placed in executable memory. */
  public static byte[] code() {
    return CODE.clone();
  }
}
