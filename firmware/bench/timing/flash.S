/* Flash/ART micro-benchmarks (same frame as seqs.S). Layout matters here: BEGIN + START are exactly
 * 16 bytes from a 16-byte boundary, so every sequence starts on a new 128-bit flash line. */
  .syntax unified
  .thumb
  .text

  .macro BEGIN name
  .global f_\name
  .type f_\name, %function
  .balign 16
f_\name:
  push {r4-r11, lr}
  ldr r4, =buf
  movs r6, #8
  str r4, [r4, #16]
  .endm

  .macro START
  ldr r0, =0xE0001004
  ldr r1, [r0]
  mov r12, r12
  .endm

  .macro END
  mov r12, r12
  ldr r2, [r0]
  subs r0, r2, r1
  pop {r4-r11, pc}
  .ltorg
  .endm

  BEGIN empty
  START
  END

  /* 64 16-bit instructions: 8 lines of 8 */
  BEGIN straight16
  START
  .rept 64
  adds r3, #1
  .endr
  END

  /* 32 32-bit instructions: 8 lines of 4 */
  BEGIN straight32
  START
  .rept 32
  add.w r3, r3, #1
  .endr
  END

  /* 8 iterations of a loop whose body fills one line, with its branch in the next */
  BEGIN loop
  START
1:
  .rept 7
  adds r5, #1
  .endr
  subs r6, #1
  bne 1b
  END

  /* two literal-pool loads from flash (D-Code), the second of the same line */
  BEGIN literal
  START
  ldr r3, 2f
  adds r5, #1
  ldr r3, 2f
  adds r5, #1
  END
  .balign 4
2:
  .word 0x12345678
